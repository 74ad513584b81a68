// Shared by the model build scripts (build-embedding-model.js, build-use-model.js): command-line
// arguments, manifests with the sha256 of every output, ONNX protobuf encoding, and the
// deterministic write that is skipped when the outputs already match and refuses to write bytes
// the manifest does not record.
//
// Plain CommonJS: it runs before the TypeScript build.
'use strict';

const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const protobuf = require('protobufjs');

const ROOT = path.resolve(__dirname, '..', '..');

/** A failure the user can act on: printed as one message, exit code 1. */
class BuildError extends Error {}

/** ONNX TensorProto.DataType values used by the build scripts. */
const OnnxType = Object.freeze({ FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 });

function parseBuildArgs(argv) {
  const args = { modelDir: path.join(ROOT, 'models'), updateManifest: false, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--update-manifest') args.updateManifest = true;
    else if (a === '--force') args.force = true;
    else if (a === '--model-dir') args.modelDir = path.resolve(argv[++i] ?? '');
    else throw new BuildError(`unknown argument "${a}" (known: --model-dir <dir>, --force, --update-manifest)`);
  }
  return args;
}

function sha256(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}

function readManifest(modelDir, name) {
  const file = path.join(modelDir, name, 'manifest.json');
  if (!fs.existsSync(file)) throw new BuildError(`manifest not found: ${file}`);
  return { file, manifest: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

function fileEntry(manifest, role) {
  const entry = manifest.files.find((f) => f.role === role);
  if (!entry) throw new BuildError(`manifest has no file with role "${role}"`);
  return entry;
}

function upToDate(modelDir, manifest) {
  return manifest.files.every((f) => {
    const p = path.join(modelDir, f.path);
    return fs.existsSync(p) && sha256(fs.readFileSync(p)) === f.sha256;
  });
}

/** The installed directory of the manifest's source package, checked to be the version the manifest was built from. */
function sourcePackageDir(manifest) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${manifest.source.package}/package.json`, { paths: [ROOT] });
  } catch {
    throw new BuildError(`package ${manifest.source.package} is not installed (npm ci installs it)`);
  }
  const version = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version;
  if (version !== manifest.source.version) {
    throw new BuildError(`${manifest.source.package} is ${version}, the manifest was built from ${manifest.source.version}`);
  }
  return path.dirname(pkgJson);
}

/**
 * Writes the outputs ({ entry: manifest file entry, bytes }) under modelDir. Without
 * updateManifest, every output must have the sha256 its entry records, else nothing is written.
 */
function writeVerifiedOutputs({ modelDir, manifestFile, manifest, outputs, updateManifest, script }) {
  if (updateManifest) {
    for (const o of outputs) o.entry.sha256 = sha256(o.bytes);
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    console.log(`models:build updated the sha256 of ${manifestFile}`);
  } else {
    const wrong = outputs.filter((o) => sha256(o.bytes) !== o.entry.sha256);
    if (wrong.length > 0) {
      throw new BuildError(
        wrong.map((o) => `rebuilt ${o.entry.path} has sha256 ${sha256(o.bytes)}, the manifest expects ${o.entry.sha256}`).join('\n') +
          `\nThe build is not reproducible here (different ${manifest.source.package} data or build script). ` +
          `Nothing was written. If the recipe changed on purpose, run: node ${script} --update-manifest`,
      );
    }
  }
  for (const o of outputs) {
    const target = path.join(modelDir, o.entry.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Write then rename, so a crash never leaves a half-written file with the final name.
    fs.writeFileSync(`${target}.tmp`, o.bytes);
    fs.renameSync(`${target}.tmp`, target);
  }
}

// ---------------------------------------------------------------------------------------------
// ONNX protobuf

let modelProto;
function onnxModelProto() {
  modelProto ??= protobuf.loadSync(path.join(__dirname, 'onnx', 'onnx.proto')).lookupType('onnx.ModelProto');
  return modelProto;
}

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 };

/** ONNX attribute builders: onnxAttr.int('axis', 0), onnxAttr.ints('perm', [0, 2, 1]), … */
const onnxAttr = {
  int: (name, value) => ({ name, type: AttributeType.INT, i: value }),
  ints: (name, values) => ({ name, type: AttributeType.INTS, ints: values }),
  float: (name, value) => ({ name, type: AttributeType.FLOAT, f: value }),
  string: (name, value) => ({ name, type: AttributeType.STRING, s: Buffer.from(value, 'utf8') }),
  tensor: (name, tensor) => ({ name, type: AttributeType.TENSOR, t: tensor }),
};

function onnxNode(opType, inputs, outputs, attribute = [], name = outputs[0]) {
  return { opType, name, input: inputs, output: outputs, attribute };
}

/** A graph input/output: dims are numbers or symbolic names. */
function onnxValueInfo(name, elemType, dims) {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function int64Tensor(name, values, dims = [values.length]) {
  return { name, dims, dataType: OnnxType.INT64, int64Data: values };
}

function floatTensor(name, values, dims = [values.length]) {
  return { name, dims, dataType: OnnxType.FLOAT, floatData: values };
}

/** A tensor from little-endian bytes (the layout ONNX raw_data uses). */
function rawTensor(name, dataType, dims, bytes) {
  return { name, dims, dataType, rawData: bytes };
}

/** Encodes an ONNX ModelProto object (checked against the schema first). */
function encodeOnnxModel(model) {
  const ModelProto = onnxModelProto();
  const problem = ModelProto.verify(model);
  if (problem) throw new BuildError(`invalid ONNX model: ${problem}`);
  return Buffer.from(ModelProto.encode(ModelProto.fromObject(model)).finish());
}

/** Decodes ONNX bytes into a plain ModelProto object (int64 as numbers, raw data as Buffers); benches read graphs with it. */
function decodeOnnxModel(bytes) {
  const ModelProto = onnxModelProto();
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Buffer, defaults: false });
}

/** Runs a build's main function, printing a BuildError as one line and exiting 1. */
function runBuild(main) {
  try {
    main();
  } catch (error) {
    if (error instanceof BuildError) {
      console.error(`models:build failed: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

module.exports = {
  ROOT,
  BuildError,
  OnnxType,
  parseBuildArgs,
  sha256,
  readManifest,
  fileEntry,
  upToDate,
  sourcePackageDir,
  writeVerifiedOutputs,
  onnxAttr,
  onnxNode,
  onnxValueInfo,
  int64Tensor,
  floatTensor,
  rawTensor,
  encodeOnnxModel,
  decodeOnnxModel,
  runBuild,
};
