/** The console demo's own words (bots/console): its banner, /as, and how a ballot is answered by text. */
export const consoleZh = {
  'console.banner': '议事 Yishi 控制台 · {community}（{slug}）· 当前身份：{speaker}',
  'console.intro': '输入「帮助」查看命令；/as <名字> 切换身份，/as <名字> 工作人员 以社区工作人员身份发言。',
  'console.bot': '[议事] ',
  'console.botPrivate': '[议事 → 私信 {speaker}] ',
  'console.choose': '（回复 /{cmd} {n} <k> 选择，例如 /{cmd} {n} 1）',
  'console.asUsage': '[议事] 用法：/as <名字> [工作人员]　当前身份：{speaker}',
  'console.asNow': '[议事] 现在的身份：{speaker}',
  'console.asNowStaff': '[议事] 现在的身份：{speaker}（社区工作人员）',
  'console.failed': '[议事] 出错了，请再试一次。',
  'console.web': '网页已打开：{url}（工作台） · {url}/v/{slug}（{community}居民页面）\n　　输入「议事厅」（/page）得到居民页面的个人链接；「/as 社工 工作人员」之后输入「网页」（/web）得到工作台的登录链接。在浏览器里打开即可。',
} as const;

export const consoleEn: Record<keyof typeof consoleZh, string> = {
  'console.banner': 'Yishi console · {community} ({slug}) · speaking as: {speaker}',
  'console.intro': 'Type /help for the commands; /as <name> switches the speaker, /as <name> staff speaks as community staff.',
  'console.bot': '[Yishi] ',
  'console.botPrivate': '[Yishi → privately to {speaker}] ',
  'console.choose': '(answer /{cmd} {n} <k> to choose, e.g. /{cmd} {n} 1)',
  'console.asUsage': '[Yishi] usage: /as <name> [staff]   speaking as: {speaker}',
  'console.asNow': '[Yishi] now speaking as: {speaker}',
  'console.asNowStaff': '[Yishi] now speaking as: {speaker} (community staff)',
  'console.failed': '[Yishi] something went wrong; please try again.',
  'console.web': 'The web page is up: {url} (staff) · {url}/v/{slug} ({community} resident page)\n  Type /page for your personal link to the resident page; /as staff staff, then /web, for a sign-in link to the staff page. Open them in a browser.',
};
