/** Seeds are 31-bit non-negative integers, in a suite's `seeds` and in `run --seeds` alike. */
export const SEED_MIN = 0;
export const SEED_MAX = 2 ** 31 - 1;
