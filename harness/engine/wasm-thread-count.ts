import { UsageError } from '../errors.ts';

// Kept apart from backend.ts so the CLI can parse --wasm-threads without loading TensorFlow.js.
/** DISTILL_BENCH_WASM_THREADS / --wasm-threads: a whole number 1-64; unset means 1. */
export function parseWasmThreads(raw: string | undefined, field = 'DISTILL_BENCH_WASM_THREADS'): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 64) return n;
  throw new UsageError(
    `${field}: '${raw}' is not a thread count. Fix: give a whole number from 1 to 64 (1 = single-threaded wasm).`,
    { field },
  );
}
