// Native throughput: `ecglite classify --json` over a directory of PTB-XL records (read, preprocess,
// classify, JSON out), records per second on one process and on one process per core. `classify`
// has no thread option, so "all cores" is N processes over N slices of the list, started together;
// the wall time runs from the first start to the last exit.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The record paths (without extension) of a PTB-XL records100 tree, sorted. */
export function listRecords(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.hea')) out.push(p.slice(0, -4));
    }
  };
  walk(dir);
  return out;
}

// bash's `times` reports the CPU time of the finished child (user + system): unlike wall time, it
// does not grow when other jobs share the cores.
const TIMED = '"$0" "$@"; status=$?; echo "@@times" >&2; times >&2; exit $status';
const parseTimes = (line) => (line ?? '').trim().split(/\s+/).reduce((sum, t) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? sum + Number(m[1]) * 60 + Number(m[2]) : sum;
}, 0);

function runClassify(ecglite, model, records) {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', TIMED, ecglite, 'classify', '--json', '--model', model, ...records],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let stderr = '';
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (status) => {
      let classified = 0, failed = 0;
      try {
        for (const r of JSON.parse(Buffer.concat(chunks).toString('utf8')).records) r.error ? ++failed : ++classified;
      } catch {
        failed = records.length;
      }
      const [messages, times = ''] = stderr.split('@@times\n');
      const cpu = parseTimes(times.trim().split('\n').pop());
      resolve({ status, classified, failed, cpu, stderr: messages.split('\n').slice(0, 3).join('\n') });
    });
  });
}

async function runSliced(ecglite, model, records, processes) {
  const per = Math.ceil(records.length / processes);
  const slices = Array.from({ length: processes }, (_, i) => records.slice(i * per, (i + 1) * per)).filter((s) => s.length);
  const t0 = performance.now();
  const results = await Promise.all(slices.map((s) => runClassify(ecglite, model, s)));
  const seconds = (performance.now() - t0) / 1000;
  const classified = results.reduce((a, r) => a + r.classified, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const cpu = results.reduce((a, r) => a + r.cpu, 0);
  return {
    processes: slices.length, records: records.length, classified, failed, seconds, cpu_seconds: cpu,
    cpu_ms_per_record: (cpu * 1000) / Math.max(1, classified),
    records_per_s: classified / seconds, ms_per_record_per_process: (seconds * 1000 * slices.length) / Math.max(1, classified),
    errors: results.filter((r) => r.failed).map((r) => r.stderr),
  };
}

/**
 * { ecglite, model, recordsDir, limit } -> one-process and all-cores runs (the better of `repeat`
 * runs each, after one unmeasured run that brings the files into the page cache).
 */
export async function measureNative({ ecglite, model, recordsDir, limit = Infinity, repeat = 1 }) {
  let records = listRecords(recordsDir);
  const available = records.length;
  if (Number.isFinite(limit)) records = records.slice(0, limit);
  const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  await runSliced(ecglite, model, records, cores);  // warm the page cache
  const best = async (processes) => {
    let b = null;
    for (let i = 0; i < repeat; ++i) {
      const r = await runSliced(ecglite, model, records, processes);
      if (!b || r.seconds < b.seconds) b = r;
    }
    return b;
  };
  const single = await best(1);
  const all = await best(cores);
  return { ecglite, model, records_dir: recordsDir, records_available: available, cores, single, all_cores: all };
}
