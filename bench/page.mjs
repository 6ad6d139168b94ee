// The browser side of the benchmark: the same measurement code as in Node (measure.mjs), with
// files fetched from the local bench server (the repository root, served with COOP/COEP so that
// the page is cross-origin isolated and performance.now() has its fine resolution).
import { measureLatency, measureRhythm, measureSimdPeak, measureStartup } from './measure.mjs';

const root = new URL('../', import.meta.url);
const at = (path) => new URL(path, root).href;

function browserEnv(cfg) {
  return {
    bytes: async (path) => {
      const response = await fetch(at(path));
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    importOurs: () => import(at(cfg.ours.module)),
    createOurs: (mod) => mod.createEcgLite(),  // fetches ecglite-core.wasm next to ecglite.mjs
    importOrt: async () => {
      const ort = await import(at(cfg.ort.module));
      ort.env.wasm.wasmPaths = at(cfg.ort.dir);
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      return ort;
    },
    importSimdPeak: async () => {
      const mod = await import(at(cfg.simdPeak.module));
      return { create: () => mod.default() };
    },
  };
}

const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

window.ecgBench = {
  latency: (cfg) => measureLatency(browserEnv(cfg), cfg),
  startup: (engine, cfg) => measureStartup(browserEnv(cfg), engine, cfg),
  simdPeak: (cfg) => measureSimdPeak(browserEnv(cfg), cfg.peak),
  rhythm: (cfg, spec, encoded) => measureRhythm(browserEnv(cfg), spec, {
    header: fromBase64(encoded.header),
    signals: Object.fromEntries(Object.entries(encoded.signals).map(([name, b]) => [name, fromBase64(b)])),
  }),
  info: () => ({ userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency }),
};
window.ecgBenchReady = true;
