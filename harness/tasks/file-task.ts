import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { UsageError } from '../errors.ts';
import { unknownNameMessage } from '../registry.ts';
import { type FileRow, readRows } from './file/read-rows.ts';
import type { Example, SplitName, TaskData, TaskDefinition } from './types.ts';

/**
 * A user's own data: a JSONL or CSV file of prompt/response rows, mapped by `fields`. Splits come from
 * a `split` column or from seeded fractions. Rows without a response are transfer prompts (kept in
 * `extra.transfer`, for techniques that label prompts with a teacher). Every row is checked with its
 * line number when the suite loads, so bad data exits 2 before anything runs.
 */
const ID = 'file';
const SPLIT_NAMES: readonly SplitName[] = ['train', 'valid', 'test', 'ood'];
const fraction = (d: number) => z.number().min(0).max(0.9).default(d);

const schema = z
  .object({
    path: z.string().min(1),
    /** Filled in at load: the file's content hash, so job keys change when the data does. */
    sha256: z.string().optional(),
    fields: z
      .object({
        prompt: z.string().default('prompt'),
        response: z.string().default('response'),
        answer: z.string().optional(),
        split: z.string().optional(),
        id: z.string().optional(),
      })
      .strict()
      .default({ prompt: 'prompt', response: 'response' }),
    validFraction: fraction(0.1),
    testFraction: fraction(0.2),
    maxLength: z.number().int().min(16).max(4096).default(90),
  })
  .strict()
  .superRefine((o) => {
    if (isAbsolute(o.path)) loadFile(o); // relative paths are resolved by prepareOptions first
  });

export type FileTaskOptions = z.infer<typeof schema>;

const text = (v: unknown) => (v == null ? undefined : typeof v === 'string' ? v : String(v));

interface Loaded {
  labelled: (Example & { split?: SplitName })[];
  transfer: Example[];
}
const memo = new Map<string, Loaded>();

function loadFile(o: FileTaskOptions): Loaded {
  const key = `${o.path}|${JSON.stringify(o.fields)}|${o.maxLength}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const { rows, columns } = readRows(o.path);
  const f = o.fields;
  for (const [role, column] of Object.entries(f))
    if (column !== undefined && !columns.includes(column))
      throw new UsageError(
        `${o.path}: fields.${role}: ${unknownNameMessage('column', column, columns)} Fix: set fields.${role} to a column of the file.`,
        { file: o.path, field: `fields.${role}` },
      );
  const at = (r: FileRow) => `${o.path}:${r.line}`;
  const ids = new Map<string, number>();
  const out: Loaded = { labelled: [], transfer: [] };
  for (const r of rows) {
    const prompt = text(r.values[f.prompt]);
    if (prompt === undefined)
      throw new UsageError(`${at(r)}: missing field '${f.prompt}' (the prompt). Fix: add it to this row.`, {
        file: o.path,
        line: r.line,
      });
    if (!prompt.trim())
      throw new UsageError(`${at(r)}: empty prompt. Fix: give the row a prompt or delete it.`, {
        file: o.path,
        line: r.line,
      });
    const id = f.id ? text(r.values[f.id]) : `${ID}/${r.line}`;
    if (!id)
      throw new UsageError(`${at(r)}: missing field '${f.id}' (the id).`, { file: o.path, line: r.line });
    const seen = ids.get(id);
    if (seen !== undefined)
      throw new UsageError(`${at(r)}: duplicate id '${id}' (first on line ${seen}). Fix: make ids unique.`, {
        file: o.path,
        line: r.line,
      });
    ids.set(id, r.line);
    const response = text(r.values[f.response]);
    const need = prompt.length + (response ?? '').length;
    if (need > o.maxLength)
      throw new UsageError(
        `${at(r)}: prompt + response is ${need} characters, ${need - o.maxLength} more than the model context allows (maxLength ${o.maxLength}). Fix: set the task option maxLength: ${need} (at most 4096) or shorten the row.`,
        { file: o.path, line: r.line },
      );
    const split = f.split ? text(r.values[f.split]) : undefined;
    if (split !== undefined && !SPLIT_NAMES.includes(split as SplitName))
      throw new UsageError(`${at(r)}: ${unknownNameMessage('split', split, SPLIT_NAMES)}`, {
        file: o.path,
        line: r.line,
      });
    const meta: Record<string, unknown> = { line: r.line };
    if (f.answer) meta.answer = text(r.values[f.answer]);
    if (response === undefined || response === '') out.transfer.push({ id, prompt, response: '', meta });
    else out.labelled.push({ id, prompt, response, meta, split: split as SplitName | undefined });
  }
  if (out.labelled.length === 0)
    throw new UsageError(
      `${o.path}: no row has a response. Fix: fill the '${f.response}' column of some rows.`,
      { file: o.path },
    );
  memo.set(key, out);
  return out;
}

function generate(o: FileTaskOptions, seed: number): TaskData {
  const { labelled, transfer } = loadFile(o);
  const splits: Record<SplitName, Example[]> = { train: [], valid: [], test: [], ood: [] };
  const strip = ({ split: _s, ...e }: Example & { split?: SplitName }): Example => e;
  if (o.fields.split) {
    for (const e of labelled) splits[e.split ?? 'train'].push(strip(e));
  } else {
    // A seeded shuffle, then the fractions: the same file and seed give the same splits.
    const rng = new Rng(`${ID}:${seed >>> 0}:split`);
    const order = labelled
      .map((e) => ({ e, k: rng.next() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => strip(x.e));
    const nTest = Math.round(order.length * o.testFraction);
    const nValid = Math.round(order.length * o.validFraction);
    splits.test = order.slice(0, nTest);
    splits.valid = order.slice(nTest, nTest + nValid);
    splits.train = order.slice(nTest + nValid);
  }
  return { splits, extra: { transfer } };
}

export const fileTask: TaskDefinition<FileTaskOptions> = {
  id: ID,
  description:
    'Your own JSONL or CSV of prompt/response rows (fields map the columns); paths are relative to the suite.',
  options: schema,
  optionDocs: {
    path: { doc: 'data.jsonl or data.csv, relative to the suite file' },
    fields: { doc: 'column names: {prompt, response, answer?, split?, id?}' },
    validFraction: { doc: 'share of rows in valid when there is no split column', range: '0-0.9' },
    testFraction: { doc: 'share of rows in test when there is no split column', range: '0-0.9' },
    maxLength: {
      doc: 'most characters of prompt + response per row (the model context)',
      range: 'integer 16-4096',
    },
    sha256: { doc: 'set by the harness: content hash of the file' },
  },
  metrics: ['accuracy', 'cer'],
  profileNames: () => [],
  generate,
  prepareOptions(raw, suiteDir) {
    const o = { ...(raw as Record<string, unknown>) };
    if (typeof o.path === 'string') {
      o.path = resolve(suiteDir, o.path);
      try {
        o.sha256 = createHash('sha256')
          .update(readFileSync(o.path as string))
          .digest('hex')
          .slice(0, 16);
      } catch {
        // readRows reports the missing file with the fix
      }
    }
    return o;
  },
};
