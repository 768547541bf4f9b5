// The heap cap the long-running commands (`sync`, `worker`) give themselves when none is set. Left to its
// defaults, Node sizes the heap from the machine's memory and lets garbage pile up while memory is
// plentiful (356 MB at 1M sales lines, where the live data is a few batches); capped, the same sync peaks
// near 200 MB and runs as fast. The live data is a few batches per job, so the cap follows BATCH_SIZE ×
// WORKER_CONCURRENCY when they are raised (from the environment or the command's flags).
// Plain JavaScript: bin/odoo-etl.js reads it before any TypeScript loads; the benchmark uses it too.

/** The cap at the default settings (MB): 128 MB of modules and caches, and a few batches' worth for each job. */
export const DEFAULT_HEAP_MB = 192;

/** What one record in flight may weigh (bytes): its answer text, decoded record, row and JSON, twice (prefetch). */
const BYTES_PER_RECORD_IN_FLIGHT = 8192;

const flagValue = (argv, name) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(name.length + 1) : argv[i + 1];
};

/** The cap for these settings: DEFAULT_HEAP_MB, more when BATCH_SIZE × WORKER_CONCURRENCY exceed their defaults. */
export function heapLimitMb(env = process.env, argv = []) {
  const batch = Number(flagValue(argv, '--batch-size') ?? env.BATCH_SIZE) || 2000;
  const jobs = Number(flagValue(argv, '--concurrency') ?? env.WORKER_CONCURRENCY) || 4;
  return Math.max(DEFAULT_HEAP_MB, 128 + Math.ceil((batch * jobs * BYTES_PER_RECORD_IN_FLIGHT) / 2 ** 20));
}

/** Whether a heap cap is set already (NODE_OPTIONS or the node command line): then it is the user's. */
export function heapLimitSet(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS) {
  return [...execArgv, nodeOptions ?? ''].some((a) => a.includes('--max-old-space-size'));
}
