/** A news topic: its id (stored with the article), English seed words and Chinese lexicon. */
export interface Topic {
  id: string;
  /** Words whose mean embedding is the topic's prototype (English). */
  seeds: readonly string[];
  /** Words that signal the topic in Chinese text (matched against jieba words). */
  lexicon: readonly string[];
}

/** Articles close to no topic. */
export const GENERAL_TOPIC = 'general';

/** The fixed taxonomy of news topics. */
export const TOPICS: readonly Topic[] = [
  {
    id: 'world',
    seeds: ['diplomats', 'embassy', 'foreign', 'ministry', 'summit', 'united', 'nations', 'refugees', 'bilateral', 'treaty'],
    lexicon: ['外交', '外交部', '联合国', '大使馆', '峰会', '双边', '难民', '国际', '外长', '访问', '条约', '制裁'],
  },
  {
    id: 'politics',
    seeds: ['election', 'parliament', 'senate', 'congress', 'lawmakers', 'president', 'campaign', 'voters', 'party', 'legislation'],
    lexicon: ['选举', '议会', '国会', '总统', '政党', '投票', '选民', '总理', '立法', '政府', '竞选', '议员', '党'],
  },
  {
    id: 'business',
    seeds: ['company', 'companies', 'ceo', 'merger', 'acquisition', 'corporate', 'startup', 'retailer', 'revenue', 'profit'],
    lexicon: ['公司', '企业', '首席执行官', '并购', '收购', '营收', '利润', '财报', '董事会', '业务', '品牌', '零售'],
  },
  {
    id: 'economy',
    seeds: ['economy', 'inflation', 'gdp', 'unemployment', 'recession', 'growth', 'wages', 'tariffs', 'imports', 'exports'],
    lexicon: ['经济', '通胀', '通货膨胀', '国内生产总值', '失业率', '衰退', '增长', '关税', '进口', '出口', '消费', '财政', '货币政策'],
  },
  {
    id: 'markets',
    seeds: ['stocks', 'shares', 'investors', 'bonds', 'nasdaq', 'dow', 'traders', 'currency', 'yields', 'index'],
    lexicon: ['股市', '股票', '股价', '投资者', '债券', '指数', '交易', '汇率', '收益率', '涨幅', '跌幅', '上涨', '下跌', '基金', '证券'],
  },
  {
    id: 'technology',
    seeds: ['software', 'internet', 'smartphone', 'computer', 'apple', 'google', 'microsoft', 'chip', 'app', 'cyber'],
    lexicon: ['科技', '软件', '互联网', '智能手机', '手机', '电脑', '芯片', '人工智能', '算法', '网络', '数据', '苹果', '华为', '腾讯'],
  },
  {
    id: 'science',
    seeds: ['scientists', 'researchers', 'study', 'physics', 'biology', 'chemistry', 'laboratory', 'experiment', 'species', 'genome'],
    lexicon: ['科学家', '研究人员', '研究', '物理', '生物', '化学', '实验室', '实验', '物种', '基因', '论文', '发现'],
  },
  {
    id: 'health',
    seeds: ['health', 'hospital', 'patients', 'doctors', 'disease', 'vaccine', 'virus', 'cancer', 'medical', 'treatment'],
    lexicon: ['健康', '医院', '患者', '病人', '医生', '疾病', '疫苗', '病毒', '癌症', '医疗', '治疗', '药物', '疫情', '感染'],
  },
  {
    id: 'sports',
    seeds: ['football', 'soccer', 'basketball', 'tennis', 'championship', 'coach', 'players', 'league', 'tournament', 'goals'],
    lexicon: ['足球', '篮球', '网球', '冠军', '比赛', '球队', '球员', '教练', '联赛', '决赛', '进球', '奥运会', '体育', '赛季'],
  },
  {
    id: 'entertainment',
    seeds: ['film', 'movie', 'actor', 'actress', 'hollywood', 'celebrity', 'album', 'singer', 'television', 'concert'],
    lexicon: ['电影', '演员', '明星', '导演', '票房', '专辑', '歌手', '电视剧', '综艺', '演唱会', '娱乐', '影片'],
  },
  {
    id: 'culture',
    seeds: ['museum', 'art', 'artist', 'literature', 'novel', 'poetry', 'theatre', 'heritage', 'exhibition', 'painting'],
    lexicon: ['文化', '博物馆', '艺术', '艺术家', '文学', '小说', '诗歌', '戏剧', '遗产', '展览', '绘画', '传统'],
  },
  {
    id: 'environment',
    seeds: ['climate', 'environmental', 'pollution', 'emissions', 'wildlife', 'forests', 'biodiversity', 'conservation', 'drought', 'warming'],
    lexicon: ['气候', '环境', '污染', '排放', '野生动物', '森林', '生物多样性', '保护', '干旱', '变暖', '碳', '生态'],
  },
  {
    id: 'energy',
    seeds: ['oil', 'gas', 'energy', 'electricity', 'solar', 'renewable', 'nuclear', 'pipeline', 'coal', 'opec'],
    lexicon: ['能源', '石油', '原油', '天然气', '电力', '太阳能', '可再生能源', '核电', '管道', '煤炭', '油价', '风电'],
  },
  {
    id: 'education',
    seeds: ['school', 'schools', 'students', 'teachers', 'university', 'education', 'classroom', 'college', 'curriculum', 'tuition'],
    lexicon: ['教育', '学校', '学生', '老师', '教师', '大学', '高考', '课堂', '课程', '学费', '校园', '招生'],
  },
  {
    id: 'crime-law',
    seeds: ['police', 'court', 'judge', 'arrested', 'murder', 'prosecutors', 'trial', 'lawsuit', 'convicted', 'fraud'],
    lexicon: ['警方', '警察', '法院', '法官', '逮捕', '谋杀', '检察官', '审判', '诉讼', '判决', '犯罪', '嫌疑人', '诈骗', '律师'],
  },
  {
    id: 'military',
    seeds: ['military', 'troops', 'army', 'soldiers', 'missile', 'airstrikes', 'navy', 'defense', 'weapons', 'war'],
    lexicon: ['军事', '军队', '部队', '士兵', '导弹', '空袭', '海军', '国防', '武器', '战争', '军方', '演习'],
  },
  {
    id: 'travel',
    seeds: ['travel', 'tourists', 'tourism', 'hotel', 'airline', 'flights', 'vacation', 'destination', 'passengers', 'resort'],
    lexicon: ['旅游', '游客', '酒店', '航空公司', '航班', '度假', '景区', '旅客', '签证', '出行', '旅行'],
  },
  {
    id: 'food',
    seeds: ['food', 'restaurant', 'chef', 'recipe', 'cooking', 'dishes', 'wine', 'cuisine', 'meals', 'ingredients'],
    lexicon: ['美食', '餐厅', '厨师', '食谱', '烹饪', '菜肴', '葡萄酒', '饮食', '食品', '食材', '小吃'],
  },
  {
    id: 'automotive',
    seeds: ['car', 'cars', 'automaker', 'vehicles', 'tesla', 'toyota', 'ford', 'electric', 'driving', 'sedan'],
    lexicon: ['汽车', '车企', '车辆', '电动汽车', '新能源汽车', '特斯拉', '丰田', '驾驶', '车型', '销量', '比亚迪'],
  },
  {
    id: 'space',
    seeds: ['nasa', 'spacecraft', 'astronauts', 'orbit', 'rocket', 'mars', 'moon', 'satellite', 'launch', 'telescope'],
    lexicon: ['航天', '太空', '宇航员', '航天员', '轨道', '火箭', '火星', '月球', '卫星', '发射', '望远镜', '空间站'],
  },
];
