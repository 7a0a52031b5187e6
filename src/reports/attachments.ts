/** Draws a reply's attachment (a poll's result picture, a 公示 notice) when an adapter sends it. */
import type { Db } from '../db/client.js';
import type { Attachment, RenderedFile } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import { pollChartPng, pollNoticePdf, pollStanding } from './results.js';

/** The file of `a`, or undefined when its poll is gone (or, for a notice, not closed yet). */
export async function renderAttachment(db: Db, a: Attachment, opts: { lang: Lang; tz: string; now: Date }): Promise<RenderedFile | undefined> {
  const s = await pollStanding(db, a.pollId);
  if (!s) return undefined;
  const n = s.suggestion.number;
  if (a.kind === 'poll-chart') {
    const { png, alt } = pollChartPng(s, opts.lang);
    return { bytes: png, filename: `${s.community.slug}-${n}-${s.poll.kind}-${s.poll.id}.png`, mime: 'image/png', caption: alt };
  }
  if (s.poll.status !== 'closed') return undefined;
  const pdf = await pollNoticePdf(s, opts.lang, opts.tz, opts.now);
  return { bytes: pdf, filename: `${s.community.slug}-${n}-notice.pdf`, mime: 'application/pdf', caption: t(opts.lang, 'web.notice.reply', { n }) };
}
