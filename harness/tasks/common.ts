import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { UsageError } from '../errors.ts';
import type { Example, SplitName } from './types.ts';

/**
 * Pieces every task shares: split-size and length options, stable ids, per-split random streams and
 * a deduplicating sampler. Kept here so the four task files read as "what the task is", not plumbing.
 */

export const SPLITS: readonly SplitName[] = ['train', 'valid', 'test', 'ood'];

const size = (d: number) => z.number().int().min(0).max(100_000).default(d);

/** Options every task has. Defaults fit a tiny char-level model: ~90 characters of prompt + response. */
export const commonOptionShape = {
  trainSize: size(2000),
  validSize: size(200),
  testSize: size(300),
  oodSize: size(300),
  maxLength: z.number().int().min(16).max(4096).default(90),
};

export const commonOptionDocs: Record<string, { doc: string; range: string }> = {
  trainSize: { doc: 'examples in the train split', range: 'integer 0-100000' },
  validSize: { doc: 'examples in the valid split', range: 'integer 0-100000' },
  testSize: { doc: 'examples in the test split', range: 'integer 0-100000' },
  oodSize: { doc: 'examples in the out-of-domain split', range: 'integer 0-100000' },
  maxLength: {
    doc: 'most characters of prompt + response per example; longer candidates are dropped',
    range: 'integer 16-4096',
  },
};

export interface CommonOptions {
  trainSize: number;
  validSize: number;
  testSize: number;
  oodSize: number;
  maxLength: number;
}

export function splitSize(o: CommonOptions, split: SplitName): number {
  return { train: o.trainSize, valid: o.validSize, test: o.testSize, ood: o.oodSize }[split];
}

/** One independent stream per (task, seed, label): resizing one split never changes another's content. */
export function streamRng(task: string, seed: number, label: string): Rng {
  return new Rng(`${task}:${seed >>> 0}:${label}`);
}

export function exampleId(task: string, split: string, index: number): string {
  return `${task}/${split}/${index}`;
}

export function fits(prompt: string, response: string, maxLength: number): boolean {
  return prompt.length + response.length <= maxLength;
}

/**
 * Deterministic mapping of arbitrary text onto printable ASCII (0x20-0x7e): accents are stripped,
 * typographic quotes and dashes become their ASCII forms, anything else is dropped, whitespace runs
 * collapse to one space.
 */
export function toPrintableAscii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

/**
 * Draws `count` examples whose `key` is not yet in `seen` (adding each key), giving up with a
 * UsageError after a bounded number of tries so an over-constrained option set fails loudly instead
 * of looping forever. `draw(index)` proposes a candidate for slot `index` of the output, or returns
 * undefined to reject (too long, wrong domain).
 */
export function drawUnique<T>(
  task: string,
  split: string,
  count: number,
  seen: Set<string>,
  draw: (index: number) => { key: string; value: T } | undefined,
): T[] {
  const out: T[] = [];
  const maxTries = 200 * count + 10_000;
  for (let tries = 0; out.length < count; tries++) {
    if (tries >= maxTries) {
      throw new UsageError(
        `task '${task}': could only generate ${out.length} of ${count} distinct ${split} examples ` +
          `under these options. Lower ${split}Size or relax the options (e.g. raise maxLength).`,
        { field: `options.${split}Size` },
      );
    }
    const c = draw(out.length);
    if (!c || seen.has(c.key)) continue;
    seen.add(c.key);
    out.push(c.value);
  }
  return out;
}

/** Numbers examples of one split in order: ids are `<task>/<split>/<index>`. */
export function withIds(task: string, split: string, xs: Omit<Example, 'id'>[]): Example[] {
  return xs.map((x, i) => ({ id: exampleId(task, split, i), ...x }));
}
