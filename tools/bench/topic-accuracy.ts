// Topic identification quality (issue 5): on the held-out 30% of the labelled set
// (libs/analysis/feature/src/lib/topics/data/topic-news.jsonl, split by a hash of the text), per
// language, (a) the baseline — English embedding prototypes, Chinese lexicon hits — and (b) the
// classifier trained by tools/scripts/train-topic-classifier.js, both called as the analysis
// service calls them (a text they leave 'general' counts as wrong). Prints accuracy, macro-F1,
// the share left 'general', the differences, per-topic F1 and the most frequent confusions.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/topic-accuracy.js
import { ensureModelBuilt, loadEmbeddingModel, WORD_MODEL_NAME } from '@autoglm/analysis-feature';
import { ChineseSegmenter } from '../../libs/analysis/feature/src/lib/text/chinese-segmenter';
import { TopicClassifier } from '../../libs/analysis/feature/src/lib/topics/topic-classifier';
import { readTopicDataset, splitLabelledTexts } from '../../libs/analysis/feature/src/lib/topics/topic-dataset';
import { embedTexts, evaluateTopicAssigner, type LanguageEvaluation } from '../../libs/analysis/feature/src/lib/topics/topic-evaluation';
import type { TopicEvaluation } from '../../libs/analysis/feature/src/lib/topics/topic-metrics';
import { GENERAL_TOPIC } from '../../libs/analysis/feature/src/lib/topics/topic-taxonomy';
import { loadTopicClassifier, TrainedTopicClassifier } from '../../libs/analysis/feature/src/lib/topics/trained-topic-classifier';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const generalShare = (e: TopicEvaluation) => e.confusions.filter((c) => c.predicted === GENERAL_TOPIC).reduce((s, c) => s + c.count, 0) / e.items;

function table(baseline: LanguageEvaluation, trained: LanguageEvaluation): void {
  const rows = (['en', 'zh'] as const).map((lang) => {
    const a = baseline[lang];
    const b = trained[lang];
    return {
      language: lang,
      'held out': a.items,
      baseline: lang === 'en' ? 'prototypes' : 'lexicon',
      'accuracy (base)': pct(a.accuracy),
      'accuracy (trained)': pct(b.accuracy),
      'Δ accuracy (pt)': points(b.accuracy - a.accuracy),
      'macro-F1 (base)': pct(a.macroF1),
      'macro-F1 (trained)': pct(b.macroF1),
      'Δ macro-F1 (pt)': points(b.macroF1 - a.macroF1),
      'general (base)': pct(generalShare(a)),
      'general (trained)': pct(generalShare(b)),
    };
  });
  console.table(rows);
}

function perTopic(lang: string, baseline: TopicEvaluation, trained: TopicEvaluation): void {
  console.log(`\n${lang}: F1 per topic (baseline → trained)`);
  const line = trained.perTopic.map((t) => {
    const before = baseline.perTopic.find((b) => b.topic === t.topic)?.f1 ?? 0;
    return `${t.topic} ${(100 * before).toFixed(0)}→${(100 * t.f1).toFixed(0)}`;
  });
  for (let i = 0; i < line.length; i += 5) console.log('  ' + line.slice(i, i + 5).join(' | '));
  const confusions = (e: TopicEvaluation) => e.confusions.slice(0, 6).map((c) => `${c.gold}→${c.predicted} ×${c.count}`).join(', ') || 'none';
  console.log(`  most frequent mistakes, baseline: ${confusions(baseline)}`);
  console.log(`  most frequent mistakes, trained:  ${confusions(trained)}`);
}

async function main(): Promise<void> {
  const model = await loadEmbeddingModel(ensureModelBuilt(), { name: WORD_MODEL_NAME, sessionPoolSize: 1 });
  try {
    const segmenter = new ChineseSegmenter();
    const { train, heldOut } = splitLabelledTexts(readTopicDataset());
    const embed = (texts: string[]) => embedTexts(model, texts);
    const words = (text: string) => segmenter.words(text);
    const prototypes = await TopicClassifier.create(embed);
    const trained = loadTopicClassifier(prototypes, model);
    if (!(trained instanceof TrainedTopicClassifier)) throw new Error('no topic-classifier.json: run node tools/scripts/train-topic-classifier.js first');
    if (trained.englishSource !== 'trained') throw new Error(`topic-classifier.json was trained on another model (${trained.file.embeddingModel.version}): retrain it`);
    console.log(`labelled set: ${train.length + heldOut.length} texts, ${train.length} train / ${heldOut.length} held out; model ${model.version}; weights ${trained.file.sha256.slice(0, 12)}`);
    const started = process.hrtime.bigint();
    const baseline = await evaluateTopicAssigner(prototypes, heldOut, embed, words);
    const ours = await evaluateTopicAssigner(trained, heldOut, embed, words);
    table(baseline, ours);
    // What the 'general' threshold costs: the trained classifier's top topic, never 'general'.
    const english = heldOut.filter((t) => t.lang === 'en');
    const chinese = heldOut.filter((t) => t.lang === 'zh');
    const vectors = await embed(english.map((t) => t.text));
    const enTop = english.filter((t, i) => vectors[i] && trained.scoreEmbedding(vectors[i] as Float32Array)?.[0]?.topic === t.topic).length;
    const zhTop = chinese.filter((t) => trained.scoreChineseWords(words(t.text))?.[0]?.topic === t.topic).length;
    console.log(
      `trained, top topic without the 'general' threshold: en ${pct(enTop / english.length)} (threshold ${trained.file.english.minConfidence}), ` +
        `zh ${pct(zhTop / chinese.length)} (threshold ${trained.file.chinese.minConfidence})`,
    );
    perTopic('en', baseline.en, ours.en);
    perTopic('zh', baseline.zh, ours.zh);
    console.log(`\n(both evaluated in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
  } finally {
    await model.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
