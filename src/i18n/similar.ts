/** Strings of similar suggestions and merging duplicates (src/consultation/similar.ts, merge.ts). */
export const similarZh = {
  'err.MERGE_INTO_ITSELF': '不能把 #{n} 合并到它自己。',
  'err.POLL_OPEN': '#{n} 正在表决或评价，结束前不能合并。',

  'stage.merged': '已合并',
  'stage.mergedInto': '已合并到 #{k}',

  'similar.head': '类似的提议已有：',
  'similar.item': '#{k} {text}（{stage}，附议 {count}/{threshold}）',
  'similar.hint': '如果是同一件事，请改为附议原来那条：发送「附议 {k}」；本条 #{n} 你可以发送「撤回 {n}」撤回。',
  'similar.hintShow': '如果是同一件事，它已经在办理中：发送「查看 {k}」了解进展；本条 #{n} 你可以发送「撤回 {n}」撤回。',
  'similar.button': '附议 #{k}',

  'merge.ok': '已将 #{n} 合并到 #{k}：转入附议 {moved} 人、意见 {comments} 条。#{k} 附议 {count}/{threshold}',
  'merge.reached': '已将 #{n} 合并到 #{k}：转入附议 {moved} 人、意见 {comments} 条。#{k} 附议 {count}/{threshold}，附议人数已满，等待轮值主席列入议程。',
  'merge.toAuthor': '你的提议 #{n}「{text}」和 #{k}「{target}」说的是同一件事，社区工作人员已把它合并到 #{k}：你和附议过 #{n} 的邻居现在都是 #{k} 的附议人，意见也一并转过去了。发送「查看 {k}」了解进展。',
} as const;

export const similarEn: Record<keyof typeof similarZh, string> = {
  'err.MERGE_INTO_ITSELF': 'Cannot merge #{n} into itself.',
  'err.POLL_OPEN': '#{n} has an open vote or rating: it cannot be merged until it closes.',

  'stage.merged': 'merged',
  'stage.mergedInto': 'merged into #{k}',

  'similar.head': 'Similar suggestions already raised:',
  'similar.item': '#{k} {text} ({stage}, supports {count}/{threshold})',
  'similar.hint': 'If it is the same matter, support that one instead: send /support {k}; you can withdraw #{n} with /withdraw {n}.',
  'similar.hintShow': 'If it is the same matter, it is already under way: send /show {k} to follow it; you can withdraw #{n} with /withdraw {n}.',
  'similar.button': 'Support #{k}',

  'merge.ok': 'Merged #{n} into #{k}: {moved} supporters and {comments} comments moved. #{k} supports {count}/{threshold}',
  'merge.reached': "Merged #{n} into #{k}: {moved} supporters and {comments} comments moved. #{k} supports {count}/{threshold}, threshold reached; it now waits for the chair's agenda.",
  'merge.toAuthor': 'Your suggestion #{n} "{text}" is about the same matter as #{k} "{target}": staff merged it into #{k}. You and the neighbours who supported #{n} now support #{k}, and the comments moved with it. Send /show {k} to follow it.',
};
