// The Node side of the measurement environment (see measure.mjs): repository files from disk,
// the same JS and wasm files the browser page loads.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (p) => path.resolve(ROOT, p);

export function nodeEnv(cfg) {
  return {
    bytes: async (p) => new Uint8Array(await readFile(at(p))),
    importOurs: () => import(pathToFileURL(at(cfg.ours.module)).href),
    createOurs: (mod) => mod.createEcgLite(),  // reads ecglite-core.wasm next to ecglite.mjs
    importOrt: async () => {
      const ort = await import(pathToFileURL(at(cfg.ort.module)).href);
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      return ort;
    },
    importSimdPeak: async () => {
      const mod = await import(pathToFileURL(at(cfg.simdPeak.module)).href);
      const wasmBinary = await readFile(at(cfg.simdPeak.wasm));
      return { create: () => mod.default({ wasmBinary }) };
    },
  };
}
