import type { Rng } from '../harness/engine/rng.ts';

/** Made-up pronounceable words (CV syllables), distinct, from the seeded Rng: benchmark text with no data files. */
export function madeUpWords(rng: Rng, size: number): string[] {
  const c = 'bdfghklmnprstvz';
  const v = 'aeiou';
  const words = new Set<string>();
  while (words.size < size) {
    let w = '';
    for (let s = rng.int(1, 3); s > 0; s--) w += rng.pick([...c]) + rng.pick([...v]);
    words.add(w);
  }
  return [...words];
}
