/** The `rotation show` report: this quarter's chair and the next ones, with date ranges. */
import type { Db } from '../db/client.js';
import { rotation, unitsInOrder } from '../kernel/rotation.js';
import { formatLocal, quarterEnd, quarterOf, quarterStart } from '../domain/time.js';
import type { Community } from '../org/communities.js';

export async function rotationReport(db: Db, community: Community, now: Date, tz: string): Promise<string[]> {
  const units = await unitsInOrder(db, community.id);
  const head = `${community.name} (${community.slug})`;
  if (!units.length || !community.rotationStart) {
    return [`${head}: no council units yet; add the first with: npx yishi council add ${community.slug} <unit name>`];
  }
  const chairs = await rotation(db, community.id, now, tz, Math.max(4, units.length));
  const current = quarterOf(now, tz);
  const day = (d: Date) => formatLocal(d, tz).slice(0, 10);
  const lines = [`${head}: ${units.length} council unit(s), rotation started ${community.rotationStart}, time zone ${tz}`];
  for (const { quarter, unit } of chairs) {
    const range = `${day(quarterStart(quarter, tz))} – ${day(new Date(quarterEnd(quarter, tz).getTime() - 1))}`;
    const contact = unit.contactPlatform ? ` [${unit.contactPlatform}:${unit.contactUserId}]` : '';
    lines.push(`  ${quarter}  ${range}  ${unit.name}${contact}${quarter === current ? '  <- this quarter' : ''}`);
  }
  return lines;
}
