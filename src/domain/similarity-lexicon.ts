/**
 * What a neighbourhood's suggestions are about, as words residents type: each concept lists its
 * surface forms, common input-method slips and homophones included (拉圾, 躁音, 充电装, 楼到). A
 * matter is a thing (a facility or object), a complaint about it, and sometimes a place; two
 * suggestions that name different things, different complaints or different places are different
 * matters, however many characters they share (see ./similarity.ts).
 *
 * Forms are matched longest first; a form may stand for several concepts (不亮: broken and dark).
 * Adding a form here is how a missed paraphrase is taught; test/fixtures/similar-suggestions.json
 * measures the effect.
 */
export type ConceptKind = 'thing' | 'problem' | 'place';

/** concept id -> kind and forms (space-separated; Chinese forms exact, English forms as words, lower case). */
export const LEXICON: Record<string, { kind: ConceptKind; zh?: string; en?: string }> = {
  // things
  light: { kind: 'thing', zh: '路灯 路等 路登 灯 照明 声控灯 感应灯 灯光 灯泡', en: 'light lights lamp lamps streetlight streetlights street_light lighting bulb' },
  bin: { kind: 'thing', zh: '垃圾桶 垃圾箱 拉圾桶 拉圾箱 分类桶 分类垃圾桶 厨余垃圾', en: 'bin bins trash_can trash_cans dustbin garbage_can' },
  refuseStation: { kind: 'thing', zh: '垃圾站 垃圾房 拉圾站 拉圾房 中转站 垃圾中转站', en: 'refuse_station garbage_room' },
  access: { kind: 'thing', zh: '门禁 门禁卡 刷卡 刷不开 门卡', en: 'access_card key_card' },
  guard: { kind: 'thing', zh: '保安 门卫', en: 'guard guards security' },
  elevator: { kind: 'thing', zh: '电梯 电悌', en: 'elevator elevators lift lifts' },
  fireLane: { kind: 'thing', zh: '消防通道 救火通道 消防通到 消防车道 生命通道', en: 'fire_lane fire_access fire_road' },
  parking: { kind: 'thing', zh: '车位 停车位 停车场 没地方停 停车难', en: 'parking_space parking_spaces parking_spot parking_spots nowhere_to_park' },
  charger: { kind: 'thing', zh: '充电桩 充电装 充电庄 充电的地方 充电口 充电站', en: 'charger chargers charging_point charging_points charging_station' },
  ebike: { kind: 'thing', zh: '电动车 电瓶车 电驴 电单车 电动自行车', en: 'e-bike e-bikes ebike ebikes electric_scooter electric_scooters scooter scooters' },
  dog: { kind: 'thing', zh: '狗 狗狗 遛狗 溜狗 犬 大狗', en: 'dog dogs' },
  pigeon: { kind: 'thing', zh: '鸽子', en: 'pigeon pigeons' },
  cat: { kind: 'thing', zh: '流浪猫 野猫 猫', en: 'cat cats' },
  squareDance: { kind: 'thing', zh: '广场舞 跳舞 跳广场舞 音响', en: 'square_dancing square_dance dance_music dancing' },
  renovation: { kind: 'thing', zh: '装修 钻墙 砸墙 电钻', en: 'renovation renovations drilling' },
  stuff: { kind: 'thing', zh: '杂物 纸箱 旧家具 堆物 东西', en: 'junk clutter boxes' },
  playground: { kind: 'thing', zh: '滑梯 滑滑梯 秋千 游乐设施 游乐区 游乐场 儿童游乐', en: 'playground slide swings' },
  fitness: { kind: 'thing', zh: '健身器材 健身器才 健身器械 漫步机 健身区 健身设施', en: 'fitness_equipment gym_equipment' },
  water: { kind: 'thing', zh: '自来水 水压 水龙头 用水 洗澡水', en: 'water tap' },
  lockers: { kind: 'thing', zh: '快递柜 快地柜 丰巢 快递箱', en: 'parcel_locker parcel_lockers delivery_lockers lockers locker' },
  tree: { kind: 'thing', zh: '树 树枝 大树 树木', en: 'tree trees branches' },
  manhole: { kind: 'thing', zh: '井盖 井干', en: 'manhole manhole_cover' },
  cctv: { kind: 'thing', zh: '监控 摄像头 探头 监控死角', en: 'cctv camera cameras' },
  bike: { kind: 'thing', zh: '自行车 单车 电瓶', en: 'bike bikes bicycle bicycles' },
  heating: { kind: 'thing', zh: '暖气 暖器 供暖 暖气片', en: 'heating radiator radiators' },
  bench: { kind: 'thing', zh: '座椅 长椅 椅子 没地方坐 凳子', en: 'bench benches seats' },
  road: { kind: 'thing', zh: '路面 主干道 道路 马路', en: 'road roads pavement' },
  door: { kind: 'thing', zh: '单元门 防盗门 楼门', en: 'door doors' },
  adScreen: { kind: 'thing', zh: '广告屏 广告机', en: 'ad_screen' },
  library: { kind: 'thing', zh: '阅读角 图书室 图书角 看书 读书角', en: 'library reading_corner books' },
  canteen: { kind: 'thing', zh: '老年食堂 社区食堂 长者饭堂 食堂 饭堂 助餐', en: 'canteen meals' },
  activityRoom: { kind: 'thing', zh: '活动室 活动中心', en: 'activity_room community_room' },
  roof: { kind: 'thing', zh: '顶楼 楼顶 顶层 屋顶', en: 'roof' },
  // complaints
  broken: { kind: 'problem', zh: '坏 坏了 不亮 失灵 故障 停运 不能用 刷不开 困人 断 裂 破损 破了 松动 缺 年久失修 不好使 关不上 没人修', en: 'broken broke out not_working doesn\'t_work out_of_order breaking_down stuck faulty' },
  dark: { kind: 'problem', zh: '不亮 暗 太暗 黑乎乎 黑漆漆 黑灯瞎火 看不清', en: 'dark pitch_dark' },
  full: { kind: 'problem', zh: '满了 溢出 溢出来 没人清 清运 爆满', en: 'full overflowing' },
  smell: { kind: 'problem', zh: '臭 臭味 味道 异味 熏', en: 'smell smells stink stinks' },
  noise: { kind: 'problem', zh: '吵 噪音 躁音 燥音 噪声 扰民 太响 声音太大 响声 咯吱 狂吠 叫春 一直叫', en: 'loud noise noisy' },
  leak: { kind: 'problem', zh: '漏水 漏雨 滴水 渗水 漏', en: 'leak leaking leaks dripping' },
  clutter: { kind: 'problem', zh: '堆放 堆了 堆满 堆着 乱放 放旧', en: 'piled pile_up' },
  parked: { kind: 'problem', zh: '乱停 停在 停满 被车占 占用 被车堵 被占 占了', en: 'parked parking_in blocked' },
  shortage: { kind: 'problem', zh: '不够 太少 紧张 增加 多装 多放 多设 没有 不足 排队', en: 'not_enough need_more more shortage' },
  indoors: { kind: 'problem', zh: '推进楼道 飞线 拉电线 进楼道 带上楼 推进电梯 楼道里停 楼道里充电', en: 'indoors upstairs' },
  poop: { kind: 'problem', zh: '屎 粪 粪便 便便 狗便 不清理 不捡 不收拾', en: 'poop mess pick_up_after droppings' },
  leash: { kind: 'problem', zh: '不拴绳 不牵绳 不栓绳 拴绳 牵绳', en: 'leash off_the_leash unleashed' },
  lowPressure: { kind: 'problem', zh: '水压太低 水压低 水压不够 压力太小 水很小 打不着火', en: 'low_pressure' },
  dirtyWater: { kind: 'problem', zh: '发黄 浑浊 水有异味', en: 'brown_water dirty_water' },
  outage: { kind: 'problem', zh: '停水 断电 断水', en: 'outage' },
  mosquitoes: { kind: 'problem', zh: '蚊子 蚊虫 灭蚊 打药', en: 'mosquitoes mosquito' },
  rats: { kind: 'problem', zh: '老鼠 鼠患 灭鼠', en: 'rats rat mice' },
  blocking: { kind: 'problem', zh: '挡住 遮挡 挡了 伸到 修剪 挡', en: 'blocking blocks trim' },
  speeding: { kind: 'problem', zh: '太快 飞快 车速 减速带 飙车 开得快 骑得快', en: 'speeding too_fast speed_bump' },
  theft: { kind: 'problem', zh: '偷 被偷 失窃 丢了', en: 'stolen theft' },
  ads: { kind: 'problem', zh: '小广告 牛皮癣', en: 'flyers' },
  cold: { kind: 'problem', zh: '不热 温度太低 太冷 冻', en: 'cold' },
  potholes: { kind: 'problem', zh: '坑 坑坑洼洼 坑洼 大坑 颠', en: 'pothole potholes' },
  pooling: { kind: 'problem', zh: '积水 淹', en: 'flooding flooded puddles' },
  jam: { kind: 'problem', zh: '堵车 拥堵', en: 'traffic_jam' },
  smoking: { kind: 'problem', zh: '抽烟 吸烟 烟味', en: 'smoking smoke' },
  throwing: { kind: 'problem', zh: '高空抛物 往下扔 扔东西 扔垃圾 抛物', en: 'throwing' },
  absent: { kind: 'problem', zh: '不在岗 脱岗 睡觉', en: 'absent' },
  closed: { kind: 'problem', zh: '不开门 关门 不开放', en: 'closed' },
  // places
  eastGate: { kind: 'place', zh: '东门 东大门 东门口 东侧门 东边大门', en: 'east_gate east_entrance' },
  westGate: { kind: 'place', zh: '西门 西大门 西门口', en: 'west_gate west_entrance' },
  southGate: { kind: 'place', zh: '南门 南大门 南门口', en: 'south_gate south_entrance' },
  northGate: { kind: 'place', zh: '北门 北大门 北门口', en: 'north_gate north_entrance' },
  garage: { kind: 'place', zh: '地下车库 车库 地库 停车库', en: 'garage car_park underground_garage' },
  corridor: { kind: 'place', zh: '楼道 楼到 楼梯间 楼梯 过道 单元门口', en: 'corridor stairwell hallway' },
  square: { kind: 'place', zh: '中心广场 小广场', en: 'plaza' },
  bikeShed: { kind: 'place', zh: '车棚', en: 'bike_shed' },
  lawn: { kind: 'place', zh: '草坪 绿化带 草丛 草地', en: 'lawn grass' },
};
