/** One item as the staff page shows it: the suggestion, who raised it, its polls and owners' votes, its 公示 notice and history. */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { persons, suggestions } from '../db/schema.js';
import type { Attachment, RenderedFile } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';
import type { Community } from '../kernel/context.js';
import { suggestionOwnersVotes, type OwnersVoteStanding } from '../owners/standing.js';
import { latestNotice, renderAttachment } from './attachments.js';
import { itemHistory, itemPolls, type HistoryRow, type Item } from './board.js';
import type { PollStanding } from './results.js';
import { objectionsOn, type ObjectionRow } from '../consultation/objection.js';

export interface ItemView {
  item: Item;
  /** The display name of whoever raised it (undefined if that person is gone). */
  author: string | undefined;
  history: HistoryRow[];
  /** Newest first. */
  polls: PollStanding[];
  owners: OwnersVoteStanding[];
  notice: Extract<Attachment, { kind: 'notice' | 'owners-notice' }> | undefined;
  /** The supervision committee's objections, oldest first. */
  objections: ObjectionRow[];
}

/** Item `n` of the community, or undefined when it has none of that number. */
export async function itemByNumber(db: Db, community: Community, n: number): Promise<Item | undefined> {
  const [item] = await db.select().from(suggestions).where(and(eq(suggestions.communityId, community.id), eq(suggestions.number, n)));
  return item;
}

export async function itemView(db: Db, community: Community, n: number): Promise<ItemView | undefined> {
  const item = await itemByNumber(db, community, n);
  if (!item) return undefined;
  const [author] = await db.select({ name: persons.displayName }).from(persons).where(eq(persons.id, item.authorId));
  const history = await itemHistory(db, item.id);
  const polls = await itemPolls(db, item.id);
  const owners = await suggestionOwnersVotes(db, item.id);
  const notice = await latestNotice(db, item.id);
  return { item, author: author?.name, history, polls, owners, notice, objections: await objectionsOn(db, item.id) };
}

/** The 公示 PDF of item `n`'s latest decision (a closed poll, or an owners' vote with its art. 278 figures). */
export async function itemNoticeFile(db: Db, community: Community, n: number, opts: { lang: Lang; tz: string; now: Date }): Promise<RenderedFile | undefined> {
  const item = await itemByNumber(db, community, n);
  const notice = item && (await latestNotice(db, item.id));
  return notice && (await renderAttachment(db, notice, opts));
}
