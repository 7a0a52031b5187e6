/** Draws a reply's attachment (a poll's result picture, a 公示 notice) when an adapter sends it. */
import type { Db, Tx } from '../db/client.js';
import type { Attachment, RenderedFile } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import { latestClosedOwnersVote, ownersVoteStanding } from '../owners/standing.js';
import { ownersNoticePdf } from './owners-notice.js';
import { latestClosedPoll, pollChartPng, pollNoticePdf, pollStanding } from './results.js';
import { objectionsOn } from '../consultation/objection.js';
import { formatLocal } from '../domain/time.js';

/** The supervision committee's objections on an item, one notice line each. */
async function objectionLines(db: Db, suggestionId: number, opts: { lang: Lang; tz: string }): Promise<string[]> {
  return (await objectionsOn(db, suggestionId)).map((o) => t(opts.lang, 'objection.line', { when: formatLocal(o.at, opts.tz), who: o.who, text: o.text }));
}

/** The file of `a`, or undefined when its poll is gone (or, for a notice, not closed yet). */
export async function renderAttachment(db: Db, a: Attachment, opts: { lang: Lang; tz: string; now: Date }): Promise<RenderedFile | undefined> {
  if (a.kind === 'owners-notice') {
    const s = await ownersVoteStanding(db, a.voteId);
    if (!s || s.vote.status !== 'closed') return undefined;
    const n = s.suggestion.number;
    const pdf = await ownersNoticePdf(s, opts.lang, opts.tz, opts.now, await objectionLines(db, s.suggestion.id, opts));
    return { bytes: pdf, filename: `${s.community.slug}-${n}-notice.pdf`, mime: 'application/pdf', caption: t(opts.lang, 'web.notice.reply', { n }) };
  }
  const s = await pollStanding(db, a.pollId);
  if (!s) return undefined;
  const n = s.suggestion.number;
  if (a.kind === 'poll-chart') {
    const { png, alt } = pollChartPng(s, opts.lang);
    return { bytes: png, filename: `${s.community.slug}-${n}-${s.poll.kind}-${s.poll.id}.png`, mime: 'image/png', caption: alt };
  }
  if (s.poll.status !== 'closed') return undefined;
  const pdf = await pollNoticePdf(s, opts.lang, opts.tz, opts.now, await objectionLines(db, s.suggestion.id, opts));
  return { bytes: pdf, filename: `${s.community.slug}-${n}-notice.pdf`, mime: 'application/pdf', caption: t(opts.lang, 'web.notice.reply', { n }) };
}

/**
 * The notice of a suggestion's latest decision: its latest closed poll or owners' vote, whichever closed
 * last (an item decided by its owners shows the art. 278 figures); undefined when nothing closed yet.
 */
export async function latestNotice(db: Db | Tx, suggestionId: number): Promise<Extract<Attachment, { kind: 'notice' | 'owners-notice' }> | undefined> {
  const [poll, vote] = await Promise.all([latestClosedPoll(db, suggestionId), latestClosedOwnersVote(db, suggestionId)]);
  const at = (d: Date | null | undefined) => d?.getTime() ?? 0;
  if (vote && (!poll || at(vote.closedAt) >= at(poll.closedAt))) return { kind: 'owners-notice', voteId: vote.id };
  return poll ? { kind: 'notice', pollId: poll.id } : undefined;
}
