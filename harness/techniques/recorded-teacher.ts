import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { clip } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';
import { contentHash } from '../hash.ts';
import { unknownNameMessage } from '../registry.ts';
import { readRows } from '../tasks/file/read-rows.ts';
import type { Teacher } from './teacher.ts';

/** The columns a recorded-responses file may have; `id` is optional and only names rows in messages. */
export const RECORDED_COLUMNS = { prompt: 'prompt', response: 'response', id: 'id' } as const;

/** Responses recorded from a model (an LLM behind an API), by exact prompt text. */
export interface Recorded {
  file: string;
  sha256: string;
  byPrompt: Map<string, string>;
  /** The file's `id` of a prompt, when it has an id column. */
  idOf: Map<string, string>;
}

/** The file's content hash (16 hex digits), part of the teacher key and so of every job key. */
export function fileSha256(file: string, field: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err}). Fix: check ${field} (relative to the suite file).`,
      { file, field },
    );
  }
}

const memo = new Map<string, Recorded>();
const text = (v: unknown) => (v == null ? undefined : typeof v === 'string' ? v : String(v));

/**
 * Reads a recorded-responses file once per process (keyed by path and content hash, so an edited file
 * is read again). JSONL or CSV through the file-task reader (UTF-8, ragged CSV and JSON checks);
 * `field` is the suite field that names the file, for messages. Two rows of one prompt must agree.
 */
export function readRecorded(file: string, sha256: string, field: string): Recorded {
  const key = `${file}|${sha256}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const { rows, columns } = readRows(file, field);
  for (const need of ['prompt', 'response'] as const)
    if (!columns.includes(need))
      throw new UsageError(
        `${file}: the file has no '${need}' column. ${unknownNameMessage('column', need, columns).replace(/^Unknown column '[^']*'\.\s*/, '')} ` +
          `Fix: name the columns prompt, response (and optionally id).`,
        { file, field: need },
      );
  const out: Recorded = { file, sha256, byPrompt: new Map(), idOf: new Map() };
  const lineOf = new Map<string, number>();
  for (const r of rows) {
    const prompt = text(r.values.prompt);
    const response = text(r.values.response);
    if (!prompt)
      throw new UsageError(
        `${file}:${r.line}: field 'prompt': missing or empty. Fix: give the row its prompt or delete it.`,
        {
          file,
          line: r.line,
          field: 'prompt',
        },
      );
    if (response === undefined)
      throw new UsageError(
        `${file}:${r.line}: field 'response': missing. Fix: give the recorded response, or delete the row (then set missing: skip).`,
        { file, line: r.line, field: 'response' },
      );
    const before = out.byPrompt.get(prompt);
    if (before !== undefined && before !== response)
      throw new UsageError(
        `${file}:${r.line}: field 'response': prompt ${JSON.stringify(clip(prompt, 60))} was recorded with a different response on line ${lineOf.get(prompt)}. ` +
          'Fix: keep one response per prompt (one file per model or sampling setting).',
        { file, line: r.line, field: 'response' },
      );
    out.byPrompt.set(prompt, response);
    lineOf.set(prompt, r.line);
    const id = text(r.values.id);
    if (id) out.idOf.set(prompt, id);
  }
  memo.set(key, out);
  return out;
}

/**
 * A teacher that is a file of responses recorded from a model we cannot run (an LLM behind an API):
 * sequence-level distillation on its outputs (docs/data-pools.md, "Recorded teachers"). It answers a
 * prompt with the response recorded for exactly that prompt text, cut at `maxNewTokens` like a
 * decoding would be, and has no distributions, logits or hidden states. The suite load checks that
 * every training prompt has a response (or filters them, `missing: skip`), so a miss here is a bug.
 */
export class RecordedTeacher implements Teacher {
  forwardTokens = 0;
  generations = 0;
  /** Nothing is trained or loaded from the model cache. */
  readonly fromCache = false;
  readonly profile = undefined;
  readonly key: string;

  constructor(
    readonly id: string,
    private readonly recorded: Recorded,
  ) {
    this.key = contentHash({ kind: 'responses-teacher', sha256: recorded.sha256 });
  }

  covers(prompt: string): boolean {
    return this.recorded.byPrompt.has(prompt);
  }

  async respond(prompts: string[], maxNewTokens: number): Promise<string[]> {
    this.generations += prompts.length;
    return prompts.map((p) => {
      const r = this.recorded.byPrompt.get(p);
      if (r === undefined)
        throw new Error(
          `teacher '${this.id}' (kind: responses, ${this.recorded.file}) has no recorded response for prompt ${JSON.stringify(clip(p, 60))}`,
        );
      return r.slice(0, maxNewTokens);
    });
  }

  async logProbs(): Promise<Float32Array[]> {
    throw new Error(
      `teacher '${this.id}' is a recorded teacher (kind: responses): it gives responses, not token distributions. ` +
        'Fix: a sequence-level technique: hard-label, purify:* routers, multi-teacher with mode: rationales.',
    );
  }

  dispose(): void {}
}
