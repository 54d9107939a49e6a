// onnxruntime peers: a tiny writer of ONNX models (protobuf, written field by field from the
// schema in onnx/onnx.proto: no Python, no protobuf library) for the graphs y = Sigmoid(x) and
// y = Mul(x, Sigmoid(x)), and runners for onnxruntime-node (native CPU) and onnxruntime-web (its
// WebAssembly build, here in Node), both on one thread to compare with single-threaded kernels
// (or on `threads`, to compare with the worker pool: bench/pool.mjs).

// ---- protobuf wire format ----------------------------------------------------------------------

/** Base-128 varint of a non-negative integer below 2^53. */
function varint(v) {
  const out = [];
  while (v >= 0x80) { out.push((v % 0x80) | 0x80); v = Math.floor(v / 0x80); }
  out.push(v);
  return out;
}
const utf8 = new TextEncoder();
/** Field `no` as a varint (wire type 0). */
const fInt = (no, v) => [...varint(no * 8), ...varint(v)];
/** Field `no` as length-delimited bytes (wire type 2): a string or an embedded message. */
const fBytes = (no, bytes) => [...varint(no * 8 + 2), ...varint(bytes.length), ...bytes];
const fStr = (no, s) => fBytes(no, [...utf8.encode(s)]);

// ---- ONNX messages (field numbers from onnx.proto) ---------------------------------------------

const FLOAT = 1; // TensorProto.DataType.FLOAT

/** ValueInfoProto {name = 1, type = 2}: a 1-D float tensor of symbolic length N. */
function valueInfo(name) {
  const dim = fStr(2, 'N'); // TensorShapeProto.Dimension.dim_param
  const shape = fBytes(1, dim); // TensorShapeProto.dim
  const tensorType = [...fInt(1, FLOAT), ...fBytes(2, shape)]; // TypeProto.Tensor {elem_type, shape}
  const type = fBytes(1, tensorType); // TypeProto.tensor_type
  return [...fStr(1, name), ...fBytes(2, type)];
}

/** NodeProto {input = 1, output = 2, name = 3, op_type = 4}. */
function node(op, inputs, outputs, name) {
  return [...inputs.flatMap((s) => fStr(1, s)), ...outputs.flatMap((s) => fStr(2, s)), ...fStr(3, name), ...fStr(4, op)];
}

/**
 * ModelProto bytes for a graph of `nodes` ([op, inputs, outputs]) from the float input `x` to the
 * float output `y`: ir_version 8, default-domain opset 13 (Sigmoid and Mul have been stable since
 * opset 13).
 */
export function onnxModel(nodes, graphName) {
  const graph = [
    ...nodes.flatMap(([op, ins, outs], i) => fBytes(1, node(op, ins, outs, `${op.toLowerCase()}${i}`))), // GraphProto.node
    ...fStr(2, graphName), // GraphProto.name
    ...fBytes(11, valueInfo('x')), // GraphProto.input
    ...fBytes(12, valueInfo('y')), // GraphProto.output
  ];
  const opset = [...fStr(1, ''), ...fInt(2, 13)]; // OperatorSetIdProto {domain, version}
  return Uint8Array.from([
    ...fInt(1, 8), // ModelProto.ir_version
    ...fStr(2, 'swish-wasm-bench'), // ModelProto.producer_name
    ...fBytes(7, graph), // ModelProto.graph
    ...fBytes(8, opset), // ModelProto.opset_import
  ]);
}

/** The two graphs the issue asks for: σ(x), and swish as x·σ(x) (ONNX's Swish/HardSwish ops differ or are newer). */
export const GRAPHS = {
  sigmoid: () => onnxModel([['Sigmoid', ['x'], ['y']]], 'sigmoid'),
  swish: () => onnxModel([['Sigmoid', ['x'], ['s']], ['Mul', ['x', 's'], ['y']]], 'swish'),
};

// ---- runners -----------------------------------------------------------------------------------

/**
 * Sessions for one onnxruntime flavour: `ort` is the module (onnxruntime-node or onnxruntime-web).
 * Returns { run(kernel, x) → Float32Array } for the forward kernels 'sigmoid' and 'swish'.
 */
export async function ortRunner(ort, { executionProviders, threads = 1 }) {
  const sessions = {};
  for (const [k, make] of Object.entries(GRAPHS)) {
    sessions[k] = await ort.InferenceSession.create(make(), {
      executionProviders,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  }
  return {
    sessions,
    /** As users call it: a tensor over x, run, and the output's data (awaited: run is async). */
    async run(kernel, x) {
      const r = await sessions[kernel].run({ x: new ort.Tensor('float32', x, [x.length]) });
      return r.y.data;
    },
  };
}

/** onnxruntime-node, native CPU execution provider. */
export async function ortNode(threads = 1) {
  const { default: ort } = await import('onnxruntime-node');
  return ortRunner(ort, { executionProviders: ['cpu'], threads });
}

/** onnxruntime-web's WebAssembly build (SIMD, one thread unless told, no proxy worker) in Node. */
export async function ortWeb(threads = 1) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  return ortRunner(ort, { executionProviders: ['wasm'] });
}
