#!/usr/bin/env node
// Trains the topic classifier (issue 5) on the labelled set in
// libs/analysis/feature/src/lib/topics/data/topic-news.jsonl and writes its weights to
// libs/analysis/feature/src/lib/topics/data/topic-classifier.json:
//   - English: multinomial logistic regression over the sentence embedding of the shipped model
//     (the real path: its tokenizer and ONNX graph through onnxruntime-node), standardised;
//   - Chinese: the same over TF-IDF of jieba words (@node-rs/jieba's dictionary and IDF table).
// The split is deterministic (70% train / 30% held out by a hash of the text); the L2 penalty
// is chosen by 5-fold cross-validation on the training split only; the held-out numbers are
// measured on the rounded weights as written, and stored in the file with its sha256.
//
//   node tools/scripts/train-topic-classifier.js [--out <file>] [--check]
//     --check  retrain and fail unless the result equals the committed file (determinism check)
//
// Plain CommonJS: it loads the TypeScript sources directly (transpiled in memory with the
// workspace's own `typescript`), so no build is needed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const tsconfigPaths = require('tsconfig-paths');

const ROOT = path.resolve(__dirname, '..', '..');
const TOPICS_DIR = path.join(ROOT, 'libs', 'analysis', 'feature', 'src', 'lib', 'topics');

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { out: path.join(TOPICS_DIR, 'data', 'topic-classifier.json'), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--out') args.out = path.resolve(argv[++i] ?? '');
    else throw new UsageError(`unknown argument "${a}" (known: --out <file>, --check)`);
  }
  return args;
}

/** Lets require() load the workspace's .ts sources and resolve its @autoglm/* aliases. */
function registerTypeScript() {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8'));
  const { options } = ts.convertCompilerOptionsFromJson(base.compilerOptions, ROOT);
  const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, noEmit: false };
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
    module._compile(outputText, filename);
  };
  tsconfigPaths.register({ baseUrl: ROOT, paths: base.compilerOptions.paths });
}

function percent(x) {
  return `${(100 * x).toFixed(1)}%`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  registerTypeScript();
  const { ensureModelBuilt } = require(path.join(ROOT, 'libs/analysis/feature/src/lib/model/model-build.ts'));
  const { loadEmbeddingModel, WORD_MODEL_NAME } = require(path.join(ROOT, 'libs/analysis/feature/src/lib/model/model-loader.ts'));
  const { ChineseSegmenter } = require(path.join(ROOT, 'libs/analysis/feature/src/lib/text/chinese-segmenter.ts'));
  const { readTopicDataset, splitLabelledTexts } = require(path.join(TOPICS_DIR, 'topic-dataset.ts'));
  const { trainTopicClassifier, sealTopicClassifierFile } = require(path.join(TOPICS_DIR, 'topic-training.ts'));
  const { TrainedTopicClassifier, parseTopicClassifierFile } = require(path.join(TOPICS_DIR, 'trained-topic-classifier.ts'));
  const { embedTexts, evaluateTopicAssigner } = require(path.join(TOPICS_DIR, 'topic-evaluation.ts'));

  // Topics read word vectors: the word model, whichever model is the default.
  const model = await loadEmbeddingModel(ensureModelBuilt(), { name: WORD_MODEL_NAME, sessionPoolSize: 1, logger: { log() {}, warn() {}, error() {} } });
  try {
    const segmenter = new ChineseSegmenter();
    const jieba = require('@node-rs/jieba/package.json');
    const { train, heldOut } = splitLabelledTexts(readTopicDataset());
    const embed = (texts) => embedTexts(model, texts);
    const words = (text) => segmenter.words(text);
    const identity = { version: model.version, sha256: model.sha256 };
    const body = await trainTopicClassifier({
      train,
      embed,
      chineseWords: words,
      idfOf: (w) => segmenter.idfOf(w),
      embeddingModel: identity,
      segmenter: `${jieba.name}@${jieba.version}`,
    });
    const unsealed = TrainedTopicClassifier.fromFile({ ...body, sha256: '' }, identity);
    const measured = await evaluateTopicAssigner(unsealed, heldOut, embed, words);
    const summary = (e) => ({ items: e.items, accuracy: Number(e.accuracy.toFixed(4)), macroF1: Number(e.macroF1.toFixed(4)) });
    const file = sealTopicClassifierFile(body, {
      split: { train: train.length, heldOut: heldOut.length, rule: 'sha256(text) first 32 bits mod 100 < 30 → held out' },
      heldOut: { en: summary(measured.en), zh: summary(measured.zh) },
    });
    const json = JSON.stringify(file) + '\n';
    parseTopicClassifierFile(json, args.out); // the file we write must load

    const { english, chinese } = file.training;
    const cv = (t) => t.crossValidation.map((c) => `${c.l2}: ${percent(c.accuracy)}`).join(', ');
    console.log(`en: ${english.texts} texts + ${english.seedWords} seed words; L2 ${english.l2} (5-fold CV ${cv(english)}); general below ${file.english.minConfidence}`);
    console.log(`zh: ${chinese.texts} texts + ${chinese.lexiconWords} lexicon words; features ${file.chinese.features} (CV ${chinese.features.map((f) => `${f.kind} ${percent(f.accuracy)}`).join(', ')}); L2 ${chinese.l2} (CV ${cv(chinese)}); general below ${file.chinese.minConfidence}`);
    for (const lang of ['en', 'zh']) {
      console.log(`${lang} held out (${measured[lang].items} texts): accuracy ${percent(measured[lang].accuracy)}, macro-F1 ${percent(measured[lang].macroF1)}`);
    }
    if (args.check) {
      const current = fs.existsSync(args.out) ? fs.readFileSync(args.out, 'utf8') : '';
      if (current !== json) throw new UsageError(`${path.relative(ROOT, args.out)} differs from a fresh training run (sha256 ${file.sha256.slice(0, 12)})`);
      console.log(`${path.relative(ROOT, args.out)} is up to date (sha256 ${file.sha256.slice(0, 12)})`);
    } else {
      fs.mkdirSync(path.dirname(args.out), { recursive: true });
      fs.writeFileSync(args.out, json);
      console.log(`wrote ${path.relative(ROOT, args.out)} (${(json.length / 1024).toFixed(0)} KiB, sha256 ${file.sha256.slice(0, 12)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await model.release();
  }
}

main().catch((error) => {
  console.error(error instanceof UsageError ? `train-topic-classifier: ${error.message}` : error);
  process.exit(1);
});
