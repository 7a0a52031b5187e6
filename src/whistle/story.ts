/** The whistle story of an item for /show: blown, reported, answered, escalated, with times. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { memberUnits, orgNodes, whistleEscalations, whistles } from '../db/schema.js';
import { clip, oneLine } from '../domain/text.js';
import type { MessageKey, Params } from '../i18n/index.js';
import { formatLocal } from '../domain/time.js';

export async function whistleStory(db: Db | Tx, suggestionId: number, tz: string, tr: (key: MessageKey, params?: Params) => string): Promise<string[]> {
  const rows = await db
    .select({ w: whistles, unit: memberUnits.name })
    .from(whistles)
    .innerJoin(memberUnits, eq(memberUnits.id, whistles.unitId))
    .where(eq(whistles.suggestionId, suggestionId))
    .orderBy(asc(whistles.id));
  if (!rows.length) return [];
  const escalations = await db
    .select({ e: whistleEscalations, node: orgNodes.name })
    .from(whistleEscalations)
    .innerJoin(orgNodes, eq(orgNodes.id, whistleEscalations.toNodeId))
    .where(inArray(whistleEscalations.whistleId, rows.map((r) => r.w.id)))
    .orderBy(asc(whistleEscalations.at));
  const lines: string[] = [];
  const at = (d: Date) => formatLocal(d, tz);
  for (const { w, unit } of rows) {
    lines.push(tr('whistle.story.blown', { unit, when: at(w.createdAt), report: at(w.reportDueAt), answer: at(w.answerDueAt) }));
    const events: Array<{ at: Date; line: string }> = [];
    if (w.reportedAt) events.push({ at: w.reportedAt, line: tr('whistle.story.reported', { when: at(w.reportedAt), late: w.reportedAt > w.reportDueAt ? tr('whistle.story.late') : '' }) });
    if (w.answeredAt)
      events.push({ at: w.answeredAt, line: tr('whistle.story.answered', { when: at(w.answeredAt), late: w.answeredAt > w.answerDueAt ? tr('whistle.story.late') : '', text: clip(oneLine(w.answer ?? ''), 200) }) });
    for (const { e, node } of escalations.filter((x) => x.e.whistleId === w.id))
      events.push({ at: e.at, line: tr('whistle.story.escalated', { when: at(e.at), step: tr(e.step === 'report' ? 'whistle.step.report' : 'whistle.step.answer'), node }) });
    events.sort((a, b) => a.at.getTime() - b.at.getTime());
    lines.push(...events.map((e) => e.line));
  }
  return lines;
}
