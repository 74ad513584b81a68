// Summary quality (issue 5): on the labelled set libs/analysis/feature/src/lib/summary/data/
// news-summaries.jsonl (news articles written for the project, each with a reference summary),
// per language, ROUGE-1/2/L F1 (and recall) of (a) LEAD-3 — the first three sentences, same
// sentence splitter — and (b) our extractive summary, called as the analysis service calls it:
// English with the default embedding model, Chinese with jieba TF-IDF vectors. Tokens: lower-cased
// words for English, characters for Chinese (libs/analysis/feature/src/lib/summary/rouge.ts).
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/summary-quality.js
import { ensureModelBuilt, loadEmbeddingModel, WORD_MODEL_NAME, type EmbeddingModel } from '@autoglm/analysis-feature';
import { embeddingEncoder, extractiveSummary, leadSummary, tfIdfEncoder, type SentenceEncoder } from '../../libs/analysis/feature/src/lib/summary/extractive-summary';
import { meanRougeScores, rougeScores, rougeTokens, type RougeScores } from '../../libs/analysis/feature/src/lib/summary/rouge';
import { readReferenceSummaries, type ReferenceSummary } from '../../libs/analysis/feature/src/lib/summary/summary-dataset';
import { ChineseSegmenter } from '../../libs/analysis/feature/src/lib/text/chinese-segmenter';

const f1 = (x: number) => +(100 * x).toFixed(1);
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** Embeds as EmbeddingService.embedOne does: the model's tokenizer (passage role), no vector without known tokens. */
function modelEncoder(model: EmbeddingModel): SentenceEncoder {
  return embeddingEncoder(async (texts) => {
    const tokens = texts.map((t) => model.tokenize(t));
    const known = tokens.filter((t) => t.knownTokens > 0);
    const vectors = known.length > 0 ? await model.run(known) : [];
    let next = 0;
    return tokens.map((t) => ({ vector: t.knownTokens > 0 ? (vectors[next++] as Float32Array) : new Float32Array(0), knownTokens: t.knownTokens }));
  });
}

interface SystemRun {
  name: string;
  scores: RougeScores[];
  tokens: number[];
}

async function run(name: string, items: readonly ReferenceSummary[], summarize: (item: ReferenceSummary) => Promise<string>): Promise<SystemRun> {
  const scores: RougeScores[] = [];
  const tokens: number[] = [];
  for (const item of items) {
    const summary = await summarize(item);
    scores.push(rougeScores(summary, item.reference));
    tokens.push(rougeTokens(summary).length);
  }
  return { name, scores, tokens };
}

function report(lang: string, items: readonly ReferenceSummary[], lead: SystemRun, ours: SystemRun): void {
  const a = meanRougeScores(lead.scores);
  const b = meanRougeScores(ours.scores);
  const meanTokens = (r: SystemRun) => Math.round(r.tokens.reduce((s, x) => s + x, 0) / r.tokens.length);
  const row = (r: SystemRun, m: RougeScores) => ({
    'ROUGE-1 F1': f1(m.rouge1.f1),
    'ROUGE-2 F1': f1(m.rouge2.f1),
    'ROUGE-L F1': f1(m.rougeL.f1),
    'ROUGE-1 R': f1(m.rouge1.recall),
    'ROUGE-L R': f1(m.rougeL.recall),
    'tokens/summary': meanTokens(r),
  });
  const wins = ours.scores.filter((s, i) => s.rougeL.f1 > (lead.scores[i] as RougeScores).rougeL.f1).length;
  const losses = ours.scores.filter((s, i) => s.rougeL.f1 < (lead.scores[i] as RougeScores).rougeL.f1).length;
  const refTokens = Math.round(items.reduce((s, i) => s + rougeTokens(i.reference).length, 0) / items.length);
  console.log(`\n${lang}: ${items.length} articles, reference ${refTokens} tokens on average (${lang === 'zh' ? 'characters' : 'words'})`);
  console.table({
    [lead.name]: row(lead, a),
    [ours.name]: row(ours, b),
    'Δ (ours − LEAD-3, pt)': {
      'ROUGE-1 F1': points(b.rouge1.f1 - a.rouge1.f1),
      'ROUGE-2 F1': points(b.rouge2.f1 - a.rouge2.f1),
      'ROUGE-L F1': points(b.rougeL.f1 - a.rougeL.f1),
      'ROUGE-1 R': points(b.rouge1.recall - a.rouge1.recall),
      'ROUGE-L R': points(b.rougeL.recall - a.rougeL.recall),
      'tokens/summary': meanTokens(ours) - meanTokens(lead),
    },
  });
  console.log(`  per article (ROUGE-L F1): ours better on ${wins}, LEAD-3 better on ${losses}, tied on ${items.length - wins - losses}`);
}

async function main(): Promise<void> {
  const model = await loadEmbeddingModel(ensureModelBuilt(), { sessionPoolSize: 1 });
  const wordModel = await loadEmbeddingModel(ensureModelBuilt(), { name: WORD_MODEL_NAME, sessionPoolSize: 1 });
  try {
    const segmenter = new ChineseSegmenter();
    const set = readReferenceSummaries();
    const english = modelEncoder(model);
    const words = modelEncoder(wordModel);
    const chinese = tfIdfEncoder(segmenter);
    console.log(`summary-quality: ${set.length} articles; English sentence vectors from ${model.version}, Chinese from jieba TF-IDF`);
    for (const lang of ['en', 'zh'] as const) {
      const items = set.filter((s) => s.lang === lang);
      const zh = lang === 'zh';
      const lead = await run('LEAD-3', items, async (item) => leadSummary(item.text, zh, 3));
      const ours = await run('ours (extractive)', items, (item) => extractiveSummary(item.text, zh, item.title, zh ? chinese : english));
      report(lang, items, lead, ours);
      if (!zh) {
        // The pipeline's English encoder is the word model (~30× cheaper per sentence than use-lite-en).
        const viaWords = await run('ours, word-model sentence vectors', items, (item) => extractiveSummary(item.text, false, item.title, words));
        report(lang, items, lead, viaWords);
        const sentenceModel = meanRougeScores(ours.scores).rougeL.f1;
        console.log(`  word-model vs ${model.version} sentence vectors, ROUGE-L F1: ${points(meanRougeScores(viaWords.scores).rougeL.f1 - sentenceModel)} pt`);
      }
    }
  } finally {
    await model.release();
    await wordModel.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
