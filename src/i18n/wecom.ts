/** The WeCom adapter's words (bots/wecom). */
export const wecomZh = {
  'wecom.closed': '已结束',
  'wecom.notRecorded': '未记录，请再试一次。',
  'wecom.privateUnavailable': '无法私信 {name}：请先在企业微信里打开与我的单聊，再试一次。',
} as const;

export const wecomEn: Record<keyof typeof wecomZh, string> = {
  'wecom.closed': 'Closed',
  'wecom.notRecorded': 'That was not recorded; please try again.',
  'wecom.privateUnavailable': "I can't message {name} privately: open a direct chat with me in WeCom, then try again.",
};
