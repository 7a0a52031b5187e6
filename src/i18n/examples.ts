/**
 * Examples shown in refusals ("格式不对，例如：…"). A use case refuses with `{ example: 'example.<cmd>' }`
 * and the refusal text is localized where it is rendered (src/core/refusals.ts).
 */
export const examplesZh = {
  'example.suggest': '提议 东门路灯坏了，晚上很黑',
  'example.comment': '议 3 我同意，最好加装感应灯',
  'example.progress': '进度 3 50 已完成招标',
  'example.meeting': '会议 12月8日 19:30 社区活动室',
  'example.rateChoices': '1 满意、2 基本满意、3 不满意',
  'example.rankingChoices': '2026年第4季度、2026年、单位',
  'example.stages': '征集附议、附议已满、已列入议程、表决中、已通过、未通过、实施中、评价中、已评价、已撤回、已合并',
} as const;

export const examplesEn: Record<keyof typeof examplesZh, string> = {
  'example.suggest': '/suggest The street light at the east gate is broken',
  'example.comment': '/comment 3 Agreed, a motion-sensor light would be best',
  'example.progress': '/progress 3 50 Tender completed',
  'example.meeting': '/meeting 2026-12-01 19:30 Community hall',
  'example.rateChoices': '1.满意 (satisfied) 2.基本满意 (fair) 3.不满意 (unsatisfied)',
  'example.rankingChoices': '2026Q4, 2026, units',
  'example.stages': 'raised, supported, on agenda, voting, approved, rejected, in progress, evaluating, evaluated, withdrawn, merged',
};
