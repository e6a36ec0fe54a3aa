import { z } from 'zod';
import type { Rng } from '../engine/rng.ts';
import { commonOptionDocs, commonOptionShape, drawUnique, streamRng, withIds } from './common.ts';
import type { TaskData, TaskDefinition } from './types.ts';

/**
 * A tiny synthetic task for engine tests: reverse a random lowercase string. Cheap, exact and
 * learnable in a few hundred steps. OOD strings are longer than any in-domain string.
 */
const ID = 'copy-reverse';

const len = (d: number) => z.number().int().min(1).max(40).default(d);

const schema = z
  .object({
    ...commonOptionShape,
    minLetters: len(3),
    maxLetters: len(8),
    oodMaxLetters: len(12),
    alphabet: z
      .string()
      .regex(/^[a-z]+$/, 'must be lowercase letters a-z')
      .default('abcdefghijklmnopqrstuvwxyz'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.minLetters > o.maxLetters) {
      ctx.addIssue({
        code: 'custom',
        path: ['minLetters'],
        message: `minLetters (${o.minLetters}) exceeds maxLetters (${o.maxLetters})`,
      });
    }
    if (o.oodMaxLetters <= o.maxLetters) {
      ctx.addIssue({
        code: 'custom',
        path: ['oodMaxLetters'],
        message: `oodMaxLetters (${o.oodMaxLetters}) must exceed maxLetters (${o.maxLetters})`,
      });
    }
    if (2 * o.oodMaxLetters > o.maxLength) {
      ctx.addIssue({
        code: 'custom',
        path: ['oodMaxLetters'],
        message: 'an OOD prompt and its reversal must fit maxLength',
      });
    }
    if (new Set(o.alphabet).size < 2)
      ctx.addIssue({ code: 'custom', path: ['alphabet'], message: 'needs 2+ distinct letters' });
  });

export type CopyReverseOptions = z.infer<typeof schema>;

function word(rng: Rng, alphabet: string, lo: number, hi: number): string {
  let s = '';
  for (let n = rng.int(lo, hi); n > 0; n--) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

function generate(o: CopyReverseOptions, seed: number): TaskData {
  const seen = new Set<string>();
  const split = (name: string, count: number, lo: number, hi: number) => {
    const rng = streamRng(ID, seed, name);
    const words = drawUnique(ID, name, count, seen, () => {
      const w = word(rng, o.alphabet, lo, hi);
      return { key: w, value: w };
    });
    return withIds(
      ID,
      name,
      words.map((w) => ({ prompt: w, response: [...w].reverse().join(''), meta: { length: w.length } })),
    );
  };
  // Evaluation splits first, so resizing train never changes them.
  const ood = split('ood', o.oodSize, o.maxLetters + 1, o.oodMaxLetters);
  const test = split('test', o.testSize, o.minLetters, o.maxLetters);
  const valid = split('valid', o.validSize, o.minLetters, o.maxLetters);
  const train = split('train', o.trainSize, o.minLetters, o.maxLetters);
  return { splits: { train, valid, test, ood } };
}

export const copyReverse: TaskDefinition<CopyReverseOptions> = {
  id: ID,
  description:
    'Reverse a random lowercase string (3-8 letters); a tiny exact task for engine tests. OOD: longer strings.',
  options: schema,
  optionDocs: {
    ...commonOptionDocs,
    minLetters: { doc: 'shortest in-domain string', range: 'integer 1-40, <= maxLetters' },
    maxLetters: { doc: 'longest in-domain string', range: 'integer 1-40, >= minLetters' },
    oodMaxLetters: {
      doc: 'longest OOD string; OOD strings have maxLetters+1 to oodMaxLetters letters',
      range: 'integer 1-40, > maxLetters, 2 * oodMaxLetters <= maxLength',
    },
    alphabet: { doc: 'letters strings are drawn from', range: '2+ distinct letters a-z' },
  },
  metrics: ['accuracy'],
  profileNames: () => [],
  generate,
};
