import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddingModel } from '../model/embedding-model';
import { ensureModelBuilt } from '../model/model-build';
import { loadEmbeddingModel, WORD_MODEL_NAME } from '../model/model-loader';
import { ChineseSegmenter } from '../text/chinese-segmenter';
import type { TopicAssigner } from './topic-assigner';
import { TopicClassifier } from './topic-classifier';
import { readTopicDataset, splitLabelledTexts, topicDataFile } from './topic-dataset';
import { embedTexts, evaluateTopicAssigner, type LanguageEvaluation } from './topic-evaluation';
import { GENERAL_TOPIC } from './topic-taxonomy';
import {
  loadTopicClassifier,
  parseTopicClassifierFile,
  TOPIC_CLASSIFIER_FILE,
  topicClassifierSha256,
  TrainedTopicClassifier,
  type TopicClassifierFile,
} from './trained-topic-classifier';

/**
 * Held-out accuracy measured when the shipped weights were trained (tools/bench/topic-accuracy.ts,
 * and `training.heldOut` in the file); a retrained or changed classifier may not fall more than
 * MARGIN below them.
 */
const MEASURED_ACCURACY = { en: 0.912, zh: 0.759 };
const MARGIN = 0.02;

const silent = { log: () => undefined, warn: () => undefined };

describe(TrainedTopicClassifier.name, () => {
  let model: EmbeddingModel;
  let prototypes: TopicClassifier;
  let sut: TrainedTopicClassifier;
  let json: string;
  const segmenter = new ChineseSegmenter();
  const file = topicDataFile(TOPIC_CLASSIFIER_FILE) as string;
  const embed = (texts: string[]) => embedTexts(model, texts);
  const english = async (text: string) => sut.fromEmbedding((await embed([text]))[0]);
  const chinese = (text: string) => sut.fromChineseWords(segmenter.words(text));

  beforeAll(async () => {
    model = await loadEmbeddingModel(ensureModelBuilt(), { name: WORD_MODEL_NAME, sessionPoolSize: 1 });
    prototypes = await TopicClassifier.create(embed);
    json = readFileSync(file, 'utf8');
    sut = TrainedTopicClassifier.fromFile(parseTopicClassifierFile(json, file), model, prototypes);
  }, 120_000);

  afterAll(() => model?.release());

  it('loads the shipped weights, trained on the shipped embedding model', () => {
    expect(sut.englishSource).toBe('trained');
    expect(sut.file.topics).toHaveLength(20);
    expect(sut.file.embeddingModel).toEqual({ version: model.version, sha256: model.sha256 });
    expect(loadTopicClassifier(prototypes, model, file, silent)).toBeInstanceOf(TrainedTopicClassifier);
  });

  it.each([
    ['sports', 'Striker scores twice as the home side beats its rivals to reach the cup final. The coach praised his players after the match.'],
    ['markets', 'Shares slide on Wall Street as bond yields climb. The Nasdaq index lost two percent as investors sold technology stocks.'],
    ['health', 'Hospital doctors say the new vaccine cut infections among elderly patients, according to a medical study.'],
    ['space', 'Rocket carries a weather satellite into orbit. The launch was the agency’s third this year.'],
    ['crime-law', 'Police arrest a suspect after the robbery; prosecutors say he will stand trial next month.'],
    ['energy', 'Oil prices rise after producers agree to cut output, while demand for gas and electricity grows.'],
    ['education', 'Teachers and students return to school as the university announces lower tuition fees.'],
  ])('labels a clear English %s text', async (topic, text) => {
    await expect(english(text)).resolves.toBe(topic);
  });

  it.each([
    ['sports', '在昨晚的足球比赛中，主队球员打进两球，球队晋级决赛，教练赛后表示满意。'],
    ['markets', '今日股市大幅下跌，投资者抛售股票，三大指数跌幅均超过百分之二。'],
    ['health', '医院医生表示，新疫苗有效降低了老年患者的感染率。'],
    ['space', '我国成功发射新型运载火箭，将卫星送入预定轨道。'],
    ['crime-law', '警方逮捕了一名诈骗嫌疑人，检察官表示将向法院提起诉讼。'],
    ['automotive', '多家车企公布十月汽车销量，新能源汽车和电动汽车增长迅速。'],
  ])('labels a clear Chinese %s text', (topic, text) => {
    expect(chinese(text)).toBe(topic);
  });

  // The articles of analysis.service.spec.ts and analysis.int-spec.ts (title + text, as AnalysisService joins them),
  // so wiring this classifier into the module keeps their expected topics.
  it.each([
    [
      'economy',
      'Central bank raises interest rates to fight inflation\n\nThe central bank raised its benchmark interest rate by a quarter point on Wednesday. ' +
        'Policymakers said inflation remained well above their target. Mr. Powell told reporters that the labour market was still tight. ' +
        'The weather in Washington was sunny and warm. Investors expect further rate increases if inflation does not ease. ' +
        'Economists expect slower growth and higher unemployment next year as borrowing costs rise.',
    ],
    ['crime-law', 'Police arrest suspect\n\nPolice arrested a suspect in the murder case on Monday, and prosecutors said he would face trial.'],
    [
      'space',
      'Astronauts return from the space station\n\nThree astronauts returned to Earth on Sunday after six months aboard the space station. ' +
        'Their capsule landed safely after leaving orbit. NASA said the crew was in good health. ' +
        'The mission tested a new rocket engine for future flights to the Moon.',
    ],
  ])('labels the service tests’ English article as %s', async (topic, text) => {
    await expect(english(text)).resolves.toBe(topic);
  });

  it('labels the service tests’ Chinese article as economy', () => {
    expect(
      chinese(
        '央行宣布下调存款准备金率\n\n中国人民银行今天宣布下调金融机构存款准备金率0.5个百分点。此次降准将向市场释放长期资金约一万亿元，支持实体经济发展。' +
          '分析人士认为，降准有助于降低银行资金成本，稳定经济增长。北京天气晴朗，气温适宜。受降准消息影响，股市随即上涨，投资者信心增强。市场人士预计，央行年内还可能继续降准。',
      ),
    ).toBe('economy');
  });

  it("returns 'general' below the confidence threshold, for empty input and for text of no topic", async () => {
    expect(sut.fromEmbedding(undefined)).toBe(GENERAL_TOPIC);
    expect(sut.fromEmbedding(new Float32Array(0))).toBe(GENERAL_TOPIC);
    expect(sut.fromChineseWords([])).toBe(GENERAL_TOPIC);
    expect(sut.fromChineseWords(['abc', '123'])).toBe(GENERAL_TOPIC);
    await expect(english('Thank you for reading, please subscribe to our newsletter and click here to share.')).resolves.toBe(GENERAL_TOPIC);
    await expect(english('I think we should meet on Tuesday afternoon if that works for everyone.')).resolves.toBe(GENERAL_TOPIC);
    expect(chinese('今天天气很好，我们一起去公园散步。')).toBe(GENERAL_TOPIC);
    const [vector] = await embed(['Thank you for reading, please subscribe to our newsletter and click here to share.']);
    const top = sut.scoreEmbedding(vector as Float32Array)?.[0];
    expect(top?.score).toBeLessThan(sut.file.english.minConfidence);
  });

  it('scores every topic with probabilities that sum to 1, best first', async () => {
    const [vector] = await embed(['Stocks fell as investors sold shares on Wall Street']);
    const scores = sut.scoreEmbedding(vector as Float32Array) ?? [];
    expect(scores).toHaveLength(20);
    expect(scores[0]?.topic).toBe('markets');
    expect(scores.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 6);
    expect(scores.every((s, i) => i === 0 || s.score <= (scores[i - 1] as { score: number }).score)).toBe(true);
  });

  describe('held-out accuracy', () => {
    let trained: LanguageEvaluation;
    let baseline: LanguageEvaluation;

    beforeAll(async () => {
      const { heldOut } = splitLabelledTexts(readTopicDataset());
      const words = (text: string) => segmenter.words(text);
      trained = await evaluateTopicAssigner(sut, heldOut, embed, words);
      baseline = await evaluateTopicAssigner(prototypes, heldOut, embed, words);
    });

    it.each(['en', 'zh'] as const)('%s: no lower than measured (minus a small margin), and above the prototype/lexicon baseline', (lang) => {
      expect(trained[lang].accuracy).toBeGreaterThanOrEqual(MEASURED_ACCURACY[lang] - MARGIN);
      expect(trained[lang].accuracy).toBeGreaterThan(baseline[lang].accuracy);
      expect(trained[lang].macroF1).toBeGreaterThan(baseline[lang].macroF1);
    });

    it('matches the held-out numbers recorded in the weights file', () => {
      const recorded = (sut.file.training as { heldOut: Record<'en' | 'zh', { accuracy: number }> }).heldOut;
      expect(trained.en.accuracy).toBeCloseTo(recorded.en.accuracy, 3);
      expect(trained.zh.accuracy).toBeCloseTo(recorded.zh.accuracy, 3);
    });
  });

  describe('fallbacks and damaged files', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'topic-classifier-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('answers English with the fallback when the weights were trained on another model, Chinese with its own weights', async () => {
      const fallback: TopicAssigner = { fromEmbedding: () => 'from-fallback', fromChineseWords: () => 'unused' };
      const other = TrainedTopicClassifier.fromFile(parseTopicClassifierFile(json, file), { version: 'other@1', sha256: model.sha256 }, fallback);
      expect(other.englishSource).toBe('fallback');
      const [vector] = await embed(['Stocks fell as investors sold shares']);
      expect(other.fromEmbedding(vector)).toBe('from-fallback');
      expect(other.scoreEmbedding(vector as Float32Array)).toBeUndefined();
      expect(other.fromChineseWords(segmenter.words('今日股市大幅下跌，投资者抛售股票。'))).toBe('markets');
    });

    it('returns the fallback when the weights file is missing', () => {
      expect(loadTopicClassifier(prototypes, model, join(dir, 'missing.json'), silent)).toBe(prototypes);
    });

    it('refuses an altered or malformed file with a message naming it', () => {
      const altered = JSON.parse(json) as TopicClassifierFile;
      (altered.english.rows[0] as { bias: number }).bias += 1;
      const path = join(dir, 'altered.json');
      writeFileSync(path, JSON.stringify(altered));
      expect(() => loadTopicClassifier(prototypes, model, path, silent)).toThrow(`${path}: sha256 does not match its contents`);
      expect(() => parseTopicClassifierFile('{', 'x.json')).toThrow('x.json: not JSON');

      const resealed = (change: (f: TopicClassifierFile) => void) => {
        const f = JSON.parse(json) as TopicClassifierFile;
        change(f);
        f.sha256 = topicClassifierSha256(f);
        return JSON.stringify(f);
      };
      expect(() => parseTopicClassifierFile(resealed((f) => (f.format = 99)), 'y.json')).toThrow('y.json: format 99');
      expect(() => parseTopicClassifierFile(resealed((f) => f.chinese.rows.pop()), 'y.json')).toThrow('chinese.rows must have one row per topic');
      expect(() => parseTopicClassifierFile(resealed((f) => (f.english.minConfidence = 1.5)), 'y.json')).toThrow('english.minConfidence');
      expect(() =>
        parseTopicClassifierFile(
          resealed((f) => f.english.rows[0]?.indices.push(10_000)),
          'y.json',
        ),
      ).toThrow('english.rows must hold a bias and weights of features 0..99');
      expect(() => parseTopicClassifierFile(resealed((f) => ((f.chinese as { features: string }).features = 'letters')), 'y.json')).toThrow('chinese.features');
    });
  });
});
