// A task plugin: copy a lowercase word in upper case. Registers the task `uppercase` when imported.
import { type TaskDefinition, taskRegistry } from 'distill-bench';
import { z } from 'zod';

const options = z
  .object({
    trainSize: z.number().int().min(1).max(10_000).default(200),
    testSize: z.number().int().min(1).max(10_000).default(20),
    maxLength: z.number().int().min(8).max(64).default(16),
  })
  .strict();
type Options = z.infer<typeof options>;

/** mulberry32: a small seeded generator, so the data is a pure function of (options, seed). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function words(n: number, next: () => number, letters: [number, number]) {
  return Array.from({ length: n }, () => {
    const len = letters[0] + Math.floor(next() * (letters[1] - letters[0] + 1));
    return Array.from({ length: len }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
  });
}

const examples = (split: string, ws: string[]) =>
  ws.map((w, i) => ({ id: `uppercase/${split}/${i}`, prompt: w, response: w.toUpperCase(), meta: {} }));

export const uppercase: TaskDefinition<Options> = {
  id: 'uppercase',
  description: 'Copy a lowercase word in upper case (example task plugin).',
  options,
  optionDocs: {
    trainSize: { doc: 'training examples', range: '1-10000' },
    testSize: { doc: 'test and OOD examples', range: '1-10000' },
    maxLength: { doc: 'most characters of prompt + response', range: '8-64' },
  },
  metrics: ['accuracy'],
  profileNames: () => [],
  generate(o, seed) {
    const next = rng(seed);
    const half = Math.floor(o.maxLength / 2);
    return {
      splits: {
        train: examples('train', words(o.trainSize, next, [2, Math.min(4, half)])),
        valid: [],
        test: examples('test', words(o.testSize, next, [2, Math.min(4, half)])),
        ood: examples('ood', words(o.testSize, next, [Math.min(5, half), half])),
      },
    };
  },
};

taskRegistry.register(uppercase);
