import { Test, type TestingModule } from '@nestjs/testing';
import { defaultConfig } from '@autoglm/shared-config';
import { AnalysisModule } from '../analysis.module';
import { AnalysisService } from '../analysis.service';
import { TOPIC_CLASSIFIER } from '../analysis.tokens';
import { EmbeddingService } from '../embedding.service';
import { ensureWordModelDefaultDir } from '../model/model-build';
import { createTopicClassifier } from './topic-classifier.factory';
import { GENERAL_TOPIC } from './topic-taxonomy';
import { TrainedTopicClassifier } from './trained-topic-classifier';

/** The analysis module with TOPIC_CLASSIFIER provided by createTopicClassifier, as analysis.module.ts should wire it. */
describe(createTopicClassifier.name, () => {
  let module: TestingModule;
  let sut: AnalysisService;

  beforeAll(async () => {
    const config = defaultConfig();
    config.analysis = { ...config.analysis, modelDir: ensureWordModelDefaultDir() };
    module = await Test.createTestingModule({ imports: [AnalysisModule.forRoot(config)] })
      .overrideProvider(TOPIC_CLASSIFIER)
      .useFactory({ factory: createTopicClassifier, inject: [EmbeddingService] })
      .compile();
    sut = module.get(AnalysisService);
  }, 120_000);

  afterAll(() => module?.close());

  it('provides the trained classifier, with its own English weights for the default model', () => {
    const classifier = module.get(TOPIC_CLASSIFIER) as TrainedTopicClassifier;
    expect(classifier).toBeInstanceOf(TrainedTopicClassifier);
    expect(classifier.englishSource).toBe('trained');
  });

  it.each([
    ['en', 'energy', 'Oil prices jump as producers cut output', 'Brent crude rose after the producer group agreed to reduce supply, and gas prices followed.'],
    ['en', 'sports', 'Champions win the cup final', 'The striker scored twice in the second half and the goalkeeper saved a penalty.'],
    ['zh', 'sports', '主队逆转夺得联赛冠军', '前锋在比赛最后时刻打进制胜一球，球迷涌入球场庆祝。'],
    ['zh', 'space', '运载火箭成功发射', '火箭将三颗卫星送入预定轨道，发射任务取得圆满成功。'],
  ])('analyses a %s %s article through the service', async (language, topic, title, text) => {
    await expect(sut.analyze(title, text)).resolves.toMatchObject({ language, topic });
  });

  it("leaves a text of no topic 'general'", async () => {
    await expect(sut.analyze('', 'I think we should meet on Tuesday afternoon if that works for everyone.')).resolves.toMatchObject({ topic: GENERAL_TOPIC });
    await expect(sut.analyze('', '今天天气很好，我们一起去公园散步。')).resolves.toMatchObject({ language: 'zh', topic: GENERAL_TOPIC });
  });
});
