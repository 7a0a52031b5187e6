/** The staff page's calendar: who chairs the next quarters, and the meetings of the last 90 days on. */
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { meetings } from '../db/schema.js';
import type { Community } from '../kernel/context.js';
import { rotation, type ChairInfo } from '../kernel/rotation.js';
import type { Meeting } from './meetings.js';

export interface CouncilCalendar {
  /** Four quarters from now's; none until the rotation has started. */
  chairs: ChairInfo[];
  meetings: Meeting[];
}

export async function councilCalendar(db: Db, community: Community, now: Date, tz: string): Promise<CouncilCalendar> {
  const chairs = community.rotationStart ? await rotation(db, community.id, now, tz, 4) : [];
  const from = new Date(now.getTime() - 90 * 24 * 3600e3);
  const list = await db.select().from(meetings).where(and(eq(meetings.communityId, community.id), gte(meetings.startsAt, from))).orderBy(asc(meetings.startsAt));
  return { chairs, meetings: list };
}
