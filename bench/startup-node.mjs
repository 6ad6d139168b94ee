// One cold start-up in a fresh Node process (bench/run.mjs spawns it once per repetition):
//   node bench/startup-node.mjs ENGINE CONFIG_JSON   ->  prints { startup_ms, first_inference_ms }
// ENGINE: ours | ort_int8 | ort_fp32. The clock starts before the engine's JS is imported.
import { measureStartup } from './measure.mjs';
import { nodeEnv } from './node-env.mjs';

const [engine, json] = process.argv.slice(2);
const cfg = JSON.parse(json);
process.stdout.write(JSON.stringify(await measureStartup(nodeEnv(cfg), engine, cfg)) + '\n');
