import type { TestingModule } from '@nestjs/testing';
import { createAnalysisTestingModule } from '../analysis-test.fixture';
import { EmbeddingService } from '../embedding.service';
import { ChineseSegmenter } from '../text/chinese-segmenter';
import { TopicClassifier } from './topic-classifier';
import { GENERAL_TOPIC, TOPICS } from './topic-taxonomy';

describe(TopicClassifier.name, () => {
  let module: TestingModule;
  let sut: TopicClassifier;
  let embeddings: EmbeddingService;
  const segmenter = new ChineseSegmenter();

  beforeAll(async () => {
    module = await createAnalysisTestingModule();
    embeddings = module.get(EmbeddingService);
    // Built here, not taken from the module: the module may wire the trained classifier instead.
    sut = await TopicClassifier.create(async (words) => (await embeddings.embed(words)).map((e) => (e.knownTokens > 0 ? e.vector : undefined)));
  }, 120_000);

  afterAll(() => module?.close());

  const englishTopic = async (text: string) => sut.fromEmbedding((await embeddings.embedOne(text)).vector);

  it('has the 20 topics of the taxonomy, each with seeds and a Chinese lexicon', () => {
    expect(TOPICS).toHaveLength(20);
    expect(new Set(TOPICS.map((t) => t.id)).size).toBe(20);
    for (const t of TOPICS) {
      expect(t.seeds.length).toBeGreaterThanOrEqual(5);
      expect(t.lexicon.length).toBeGreaterThanOrEqual(5);
    }
  });

  it.each([
    ['sports', 'The striker scored twice as the home team beat their rivals 3-1 to reach the cup final, the coach praised the players.'],
    ['markets', 'Stocks fell sharply on Wall Street as investors sold shares and bond yields climbed; the Nasdaq index dropped 2 percent.'],
    ['health', 'Doctors at the hospital said the new vaccine reduced infections among elderly patients, according to a medical study.'],
    ['space', 'NASA launched a rocket carrying a new satellite into orbit, and astronauts aboard the station watched the launch.'],
    ['technology', 'The company released a smartphone app update that fixes a software bug affecting millions of computer users.'],
    ['crime-law', 'Police arrested a suspect after the murder, and prosecutors said he will face trial in court next month.'],
    ['environment', 'Scientists warned that rising emissions and warming temperatures threaten forests and wildlife with drought.'],
    ['politics', 'Voters head to the polls as the president campaigns for the election and lawmakers in parliament debate the bill.'],
    ['energy', 'Oil prices rose after OPEC cut production, while gas and coal demand for electricity generation increased.'],
    ['food', 'The chef opened a new restaurant where diners can taste dishes cooked with local ingredients and fine wine.'],
  ])('labels an English %s article', async (topic, text) => {
    await expect(englishTopic(text)).resolves.toBe(topic);
  });

  it("returns 'general' for an empty embedding and for text close to no topic", async () => {
    expect(sut.fromEmbedding(new Float32Array(0))).toBe(GENERAL_TOPIC);
    expect(sut.fromEmbedding(undefined)).toBe(GENERAL_TOPIC);
    await expect(englishTopic('Thank you for reading, please subscribe to our newsletter and click here to share.')).resolves.toBe(
      GENERAL_TOPIC,
    );
    await expect(englishTopic('I think we should meet on Tuesday afternoon if that works for everyone.')).resolves.toBe(GENERAL_TOPIC);
  });

  it('scores every topic, best first, with a clear margin for a topical text', async () => {
    const scores = sut.scoreEmbedding((await embeddings.embedOne('Stocks fell as investors sold shares on Wall Street')).vector);
    expect(scores).toHaveLength(20);
    expect(scores[0]?.topic).toBe('markets');
    expect(scores[0]!.score - scores[1]!.score).toBeGreaterThan(0.2);
  });

  it.each([
    ['sports', '在昨晚的足球比赛中，主队球员打进两球，球队晋级决赛，教练赛后表示满意。'],
    ['markets', '今日股市大幅下跌，投资者抛售股票，三大指数跌幅均超过百分之二，债券收益率上升。'],
    ['health', '医院医生表示，新疫苗有效降低了老年患者的感染率，医疗专家建议尽快接种。'],
    ['space', '我国成功发射新型运载火箭，将卫星送入预定轨道，航天员在空间站观看了发射。'],
    ['crime-law', '警方逮捕了一名诈骗嫌疑人，检察官表示将向法院提起诉讼，案件将于下月审判。'],
    ['automotive', '多家车企公布十月汽车销量，新能源汽车和电动汽车增长迅速，比亚迪车型销量领先。'],
  ])('labels a Chinese %s article from its lexicon', (topic, text) => {
    expect(sut.fromChineseWords(segmenter.words(text))).toBe(topic);
  });

  it("returns 'general' for Chinese text with fewer than two lexicon hits", () => {
    expect(sut.fromChineseWords(segmenter.words('今天天气很好，我们一起去公园散步。'))).toBe(GENERAL_TOPIC);
    expect(sut.fromChineseWords([])).toBe(GENERAL_TOPIC);
  });
});
