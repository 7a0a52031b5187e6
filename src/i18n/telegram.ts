/** The Telegram adapter's words for busy and real groups (bots/telegram), and the refusal it brought. */
export const telegramZh = {
  'err.WRITE_AS_YOURSELF': '匿名管理员或频道身份发出的命令无法计入：请用你自己的账号发送。',
  /** A line of a merged answer in a busy group: whom it answers, then the answer. */
  'telegram.mergedLine': '↪ {name}：{text}',
  /** What stays in a busy group when a refusal went to its resident privately. */
  'telegram.answeredPrivately': '已私信回复',
} as const;

export const telegramEn: Record<keyof typeof telegramZh, string> = {
  'err.WRITE_AS_YOURSELF': 'Commands sent as an anonymous admin or as a channel cannot be counted: please send them from your own account.',
  'telegram.mergedLine': '↪ {name}: {text}',
  'telegram.answeredPrivately': 'answered in private',
};
