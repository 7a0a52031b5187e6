/** Owners' joint decisions (业主共同决定): property register, owners' votes counted by area and by head. */
export const ownersZh = {
  'err.NOT_OWNER': '你还没有登记为本小区业主：请向社区工作人员索取业主码，然后私聊我发送「业主认证 <业主码>」。',
  'err.BAD_MATTER': '表决事项请写 1-9（民法典第二百七十八条第一款各项），例如：业主表决 3 5 14天\n{matters}',
  'err.BAD_OWNER_CODE': '业主码无效、已用过或已过期，请向社区工作人员重新索取。',
  'err.NO_PROPERTY': '本社区还没有导入业主名册（房屋和专有部分面积），不能发起业主表决。',

  // Civil Code art. 278, first paragraph, items (一)-(九).
  'owners.matter.1': '制定和修改业主大会议事规则',
  'owners.matter.2': '制定和修改管理规约',
  'owners.matter.3': '选举业主委员会或者更换业主委员会成员',
  'owners.matter.4': '选聘和解聘物业服务企业或者其他管理人',
  'owners.matter.5': '使用建筑物及其附属设施的维修资金',
  'owners.matter.6': '筹集建筑物及其附属设施的维修资金',
  'owners.matter.7': '改建、重建建筑物及其附属设施',
  'owners.matter.8': '改变共有部分的用途或者利用共有部分从事经营活动',
  'owners.matter.9': '有关共有和共同管理权利的其他重大事项',
  'owners.matterLine': '{k}. {name}',

  'owners.choice.1': '同意',
  'owners.choice.2': '反对',
  'owners.choice.3': '弃权',

  'owners.ballot':
    '#{n} 业主共同决定：{text}\n事项：第{matter}项 {matterName}\n{rule}\n登记业主 {owners} 人，专有部分总面积 {area} ㎡\n截止：{when}\n业主请点按钮表决，或发送「业主投票 {n} 1」（1 同意、2 反对、3 弃权）。一位业主一票（含名下全部房屋），截止前可以改；群里只公布票数。',
  'owners.rule.simple': '规则：专有部分面积和人数均占三分之二以上的业主参与表决，且经参与表决面积过半数、人数过半数的业主同意，为通过；弃权计入参与表决。',
  'owners.rule.qualified': '规则：专有部分面积和人数均占三分之二以上的业主参与表决，且经参与表决面积四分之三以上、人数四分之三以上的业主同意，为通过；弃权计入参与表决。',
  'owners.toast': '已表决：{choice}（代表 {units} 套房屋）',
  'owners.toastChanged': '已改为：{choice}（代表 {units} 套房屋）',
  'owners.castOk': '#{n} 已记录你的业主表决（内容保密）。',
  'owners.castChanged': '#{n} 已更新你的业主表决（内容保密）。',

  'owners.result': '#{n} 业主表决结果：{outcome}\n事项：第{matter}项 {matterName}\n{lines}\n{counts}（按人数）',
  'owners.outcome.passed': '通过',
  'owners.outcome.failed': '未通过',
  'owners.line.participation.area': '参与表决面积：{num}/{den} ㎡（要求 ≥ 2/3）{mark}',
  'owners.line.participation.heads': '参与表决人数：{num}/{den}（要求 ≥ 2/3）{mark}',
  'owners.line.approval.area': '同意面积：{num}/{den} ㎡（要求 {rule}）{mark}',
  'owners.line.approval.heads': '同意人数：{num}/{den}（要求 {rule}）{mark}',
  'owners.rule.half': '> 1/2',
  'owners.rule.threeQuarters': '≥ 3/4',
  'owners.failed': '未达到：{what}',
  'owners.name.participation.area': '参与表决面积三分之二',
  'owners.name.participation.heads': '参与表决人数三分之二',
  'owners.name.approval.area': '同意面积',
  'owners.name.approval.heads': '同意人数',

  'owners.linked': '已确认你的业主身份（{units} 套房屋）。本小区发起业主表决时，你可以代表名下房屋表决。',
  'owners.alreadyLinked': '你已经登记为这位业主了（{units} 套房屋）。',
} as const;

export const ownersEn: Record<keyof typeof ownersZh, string> = {
  'err.NOT_OWNER': 'You are not registered as an owner here: ask community staff for an owner code, then send /owner <code>.',
  'err.BAD_MATTER': 'The matter is 1-9 (the items of Civil Code art. 278, first paragraph), e.g. /ownersvote 3 5 14\n{matters}',
  'err.BAD_OWNER_CODE': 'That owner code is invalid, used or expired; ask community staff for a new one.',
  'err.NO_PROPERTY': 'This community has no property register yet (units and exclusive areas): no owners\' vote can be opened.',

  'owners.matter.1': 'adopting or amending the rules of procedure of the owners\' assembly',
  'owners.matter.2': 'adopting or amending the management statute',
  'owners.matter.3': 'electing or replacing members of the owners\' committee',
  'owners.matter.4': 'engaging or dismissing the property service company or other manager',
  'owners.matter.5': 'using the repair fund of the buildings and their facilities',
  'owners.matter.6': 'raising the repair fund of the buildings and their facilities',
  'owners.matter.7': 'rebuilding or reconstructing the buildings and their facilities',
  'owners.matter.8': 'changing the use of common parts or running a business with them',
  'owners.matter.9': 'other major matters of common ownership and joint management',
  'owners.matterLine': '{k}. {name}',

  'owners.choice.1': 'Agree',
  'owners.choice.2': 'Against',
  'owners.choice.3': 'Abstain',

  'owners.ballot':
    '#{n} Owners\' joint decision: {text}\nMatter: item {matter}, {matterName}\n{rule}\nRegistered owners: {owners}; total exclusive area {area} m²\nDeadline: {when}\nOwners: press a button or send /ownervote {n} <1 agree|2 against|3 abstain>. One ballot per owner (for all their units), changeable until the deadline; the group only sees counts.',
  'owners.rule.simple': 'Rule: owners holding at least 2/3 of the exclusive area and at least 2/3 of the owners take part, and more than half of the participating area and more than half of the participating owners agree; abstaining counts as taking part.',
  'owners.rule.qualified': 'Rule: owners holding at least 2/3 of the exclusive area and at least 2/3 of the owners take part, and at least 3/4 of the participating area and at least 3/4 of the participating owners agree; abstaining counts as taking part.',
  'owners.toast': 'Recorded: {choice} (for {units} unit(s))',
  'owners.toastChanged': 'Changed to: {choice} (for {units} unit(s))',
  'owners.castOk': '#{n}: your owner\'s ballot is recorded (kept secret).',
  'owners.castChanged': '#{n}: your owner\'s ballot is updated (kept secret).',

  'owners.result': '#{n} owners\' vote result: {outcome}\nMatter: item {matter}, {matterName}\n{lines}\n{counts} (by head)',
  'owners.outcome.passed': 'passed',
  'owners.outcome.failed': 'not passed',
  'owners.line.participation.area': 'Participating area: {num}/{den} m² (needs ≥ 2/3) {mark}',
  'owners.line.participation.heads': 'Participating owners: {num}/{den} (needs ≥ 2/3) {mark}',
  'owners.line.approval.area': 'Agreeing area: {num}/{den} m² (needs {rule}) {mark}',
  'owners.line.approval.heads': 'Agreeing owners: {num}/{den} (needs {rule}) {mark}',
  'owners.rule.half': '> 1/2',
  'owners.rule.threeQuarters': '≥ 3/4',
  'owners.failed': 'Not met: {what}',
  'owners.name.participation.area': 'two thirds of the area taking part',
  'owners.name.participation.heads': 'two thirds of the owners taking part',
  'owners.name.approval.area': 'agreeing area',
  'owners.name.approval.heads': 'agreeing owners',

  'owners.linked': 'You are confirmed as an owner ({units} unit(s)). In owners\' votes here you vote for your units.',
  'owners.alreadyLinked': 'You are already registered as this owner ({units} unit(s)).',
};
