import { cpus } from 'node:os';
import { forTerminal } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';
import { SEED_MAX, SEED_MIN } from '../runner/seed-range.ts';

/** `run`'s CLI values that are more than a string: the seed list and the worker count. */

/** Most worker processes `run` starts: one per CPU core; more only compete for the same cores. */
export const maxWorkers = () => Math.max(1, cpus().length);

const shown = (v: string) => forTerminal(v, 40);

/**
 * `--seeds 1,2,3`: every item an integer in the suite schema's range, no empty item (`''`, `1,,2`,
 * `1,` are typos, not seed 0) and no seed twice (it would run every job twice).
 */
export function parseSeeds(v: string): number[] {
  const items = v.split(',').map((s) => s.trim());
  const seen = new Set<number>();
  return items.map((item, i) => {
    if (item === '')
      throw new UsageError(
        `--seeds: '${shown(v)}' has an empty item (position ${i + 1}). Fix: a comma-separated list of integers, e.g. --seeds 1,2,3.`,
        { field: '--seeds' },
      );
    const n = Number(item);
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(n) || n < SEED_MIN || n > SEED_MAX)
      throw new UsageError(
        `--seeds: '${shown(item)}' is not an integer from ${SEED_MIN} to ${SEED_MAX}. Fix: e.g. --seeds 1,2,3.`,
        { field: '--seeds' },
      );
    if (seen.has(n))
      throw new UsageError(`--seeds: seed ${n} is listed twice. Fix: list each seed once.`, {
        field: '--seeds',
      });
    seen.add(n);
    return n;
  });
}

/**
 * `--workers N`: 0 runs jobs in this process; more than the CPU cores is capped to them with a
 * warning (each worker is a process holding its own models: a huge N only exhausts the machine).
 * `run` further starts no more workers than it has jobs to run.
 */
export function parseWorkers(v: string, warn: (line: string) => void = (l) => console.error(l)): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`--workers: '${shown(v)}' is not a non-negative integer. Fix: e.g. --workers 2.`, {
      field: '--workers',
    });
  const max = maxWorkers();
  if (n > max) {
    warn(`warning: --workers ${n}: capped at ${max}, the CPU cores of this machine.`);
    return max;
  }
  return n;
}
