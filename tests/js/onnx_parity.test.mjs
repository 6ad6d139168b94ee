// ONNX parity: the fp32 and QDQ-int8 ONNX exports of the tiny fixture network (written by
// scripts/train/export_onnx.py from the same graph and quantization parameters as the .ecgm
// files) run in onnxruntime-web (wasm build, in Node) and agree with the C++ engine's outputs.
// The C++ engine's outputs are the expected_*.f32 fixtures: tests/cpp/engine_test.cpp holds the
// engine to them (fp32 within 1e-4, int8 within 1e-5 with bit-exact quint8 codes).
//   node --test tests/js/onnx_parity.test.mjs
// Without onnxruntime-web (a dev dependency: npm ci) the tests skip and say so, as the other Node
// tests do for what they need; a static import made the whole file fail instead.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';

let ort = null;
let NO_ORT = false;
try {
  ort = await import('onnxruntime-web/wasm');
} catch (error) {
  // Installed but broken is a failure, not a skip.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !error.message.includes("'onnxruntime-web'")) throw error;
  NO_ORT = 'onnxruntime-web is not installed (npm ci installs the dev dependencies)';
}

const dir = new URL('../fixtures/model/', import.meta.url);
const f32 = (name) => {
  const b = fs.readFileSync(new URL(name, dir));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const [dims, stepLine] = fs.readFileSync(new URL('expected_meta.txt', dir), 'utf8').trim().split('\n');
const n = Number(dims.split(' ')[0]);
const int8Step = Number(stepLine.split(' ')[1]);
const inputs = f32('inputs.f32');
const length = inputs.length / n / 12;

if (ort) ort.env.wasm.numThreads = 1;

async function run(file) {
  const session = await ort.InferenceSession.create(fs.readFileSync(new URL(file, dir)), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const out = await session.run({ input: new ort.Tensor('float32', inputs, [n, 12, length]) });
  return out.logits.data;
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('fp32 ONNX matches the C++ engine within 1e-4', { skip: NO_ORT }, async () => {
  const expected = f32('expected_fp32.f32');
  const got = await run('tiny-fp32.onnx');
  assert.equal(got.length, expected.length);  // a shorter output would leave logits unchecked
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - expected[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])),
      `logit ${i}: onnx ${got[i]} vs engine ${expected[i]}`);
  }
});

test('QDQ int8 ONNX matches the C++ int8 engine within one quantization step', { skip: NO_ORT }, async () => {
  const expected = f32('expected_int8.f32');
  const got = await run('tiny-int8.onnx');
  const diff = maxAbsDiff(got, expected);
  console.log(`int8: max |onnx - engine| = ${diff.toExponential(3)} (one-step bound ${int8Step})`);
  assert.ok(diff <= int8Step, `max difference ${diff} exceeds one quantization step (${int8Step})`);
  // and it really is the quantized network, not a float one
  const fp32 = f32('expected_fp32.f32');
  assert.ok(maxAbsDiff(got, fp32) > 1e-3, 'int8 ONNX output equals the fp32 network');
});
