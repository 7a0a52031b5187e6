/**
 * Examples shown in refusals ("格式不对，例如：…"). A use case refuses with `{ example: 'example.<cmd>' }`
 * and the refusal text is localized where it is rendered (src/core/refusals.ts).
 */
export const examplesZh = {
  'example.suggest': '/suggest 东门路灯坏了，晚上很黑',
  'example.comment': '/comment 3 我同意，最好加装感应灯',
  'example.progress': '/progress 3 50 已完成招标',
  'example.meeting': '/meeting 2026-12-01 19:30 社区活动室',
  'example.rateChoices': '1.满意 2.基本满意 3.不满意',
} as const;

export const examplesEn: Record<keyof typeof examplesZh, string> = {
  'example.suggest': '/suggest The street light at the east gate is broken',
  'example.comment': '/comment 3 Agreed, a motion-sensor light would be best',
  'example.progress': '/progress 3 50 Tender completed',
  'example.meeting': '/meeting 2026-12-01 19:30 Community hall',
  'example.rateChoices': '1.满意 (satisfied) 2.基本满意 (fair) 3.不满意 (unsatisfied)',
};
