import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { clip } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';
import { readUserText } from '../read-text.ts';
import {
  DEFAULT_DATASET,
  MACRO_TASK,
  OPTIONAL_FIELDS,
  REQUIRED_FIELDS,
  type ResponseRow,
  responseRowSchema,
} from './input-schema.ts';

/**
 * Reads a response set (JSONL or CSV) into validated rows. Every problem names the file, the line
 * and the field; up to MAX_REPORTED problems are listed in one message so a user fixes them in one go.
 */

const MAX_REPORTED = 10;

interface Problem {
  line: number;
  field?: string;
  message: string;
}

export interface ResponseSet {
  file: string;
  format: 'jsonl' | 'csv';
  rows: ResponseRow[];
  /** Raw bytes, for the content hash recorded in the manifest. */
  text: string;
}

function fail(file: string, problems: Problem[]): never {
  const first = problems[0];
  const shown = problems
    .slice(0, MAX_REPORTED)
    .map((p) => `  ${file}:${p.line}: ${p.field ? `field '${p.field}': ` : ''}${p.message}`);
  const more = problems.length > MAX_REPORTED ? [`  … and ${problems.length - MAX_REPORTED} more`] : [];
  throw new UsageError(
    `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the response set:\n${[...shown, ...more].join('\n')}\n` +
      `Fix: every row needs ${REQUIRED_FIELDS.join(', ')} (see schemas/responses.schema.json).`,
    { file, line: first.line, field: first.field },
  );
}

function detectFormat(file: string, text: string): 'jsonl' | 'csv' {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

function jsonlRecords(text: string, problems: Problem[]): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      problems.push({ line: i + 1, message: `not valid JSON (${(err as Error).message})` });
    }
  });
  return out;
}

/** How to fix each csv-parse error (by its code), in words a spreadsheet user knows. */
const CSV_FIX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED:
    'close the quoted field: a field that starts with " must end with ", and a " inside it is written "".',
  INVALID_OPENING_QUOTE:
    'quote the whole field: a field containing " must start and end with ", with each inner " doubled ("").',
  CSV_INVALID_CLOSING_QUOTE:
    'a quoted field must end right after its closing " (before the comma or line end); double any " inside it.',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH:
    'every row needs as many cells as the header; quote cells that contain commas ("a, b").',
  CSV_RECORD_INCONSISTENT_COLUMNS:
    'every row needs as many cells as the header; quote cells that contain commas ("a, b").',
  default:
    'save the file as standard CSV (RFC 4180): comma-separated, fields with commas, quotes or line breaks in double quotes.',
};

function csvRecords(file: string, text: string): { line: number; value: unknown }[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parseCsv(text, {
      bom: true,
      columns: (h: string[]) => {
        header = h.map((c) => c.trim());
        const dup = header.find((c, i) => header.indexOf(c) !== i);
        // Two columns of one name: csv-parse would keep the last one's cells, silently.
        if (dup !== undefined)
          throw new UsageError(
            `${file}:1: field '${clip(dup, 80)}': the header names column '${clip(dup, 80)}' twice (columns ${header.indexOf(dup) + 1} and ${header.lastIndexOf(dup) + 1}). Fix: rename or remove one of them.`,
            { file, line: 1, field: dup },
          );
        return header;
      },
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as typeof records;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as Error & { lines?: number; code?: string };
    throw new UsageError(
      `${file}:${e.lines ?? 1}: not valid CSV (${clip(e.message, 300)}). Fix: ${CSV_FIX[e.code ?? ''] ?? CSV_FIX.default}`,
      { file, line: e.lines ?? 1 },
    );
  }
  const missing = REQUIRED_FIELDS.filter((f) => !header.includes(f));
  if (missing.length) {
    throw new UsageError(
      `${file}:1: field '${missing[0]}': missing column${missing.length > 1 ? `s ${missing.join(', ')}` : ''} ` +
        `(header has: ${header.join(', ') || 'nothing'}). Fix: the header row must name ${REQUIRED_FIELDS.join(', ')}.`,
      { file, line: 1, field: missing[0] },
    );
  }
  // info.lines is the line the record ends on; a record starts after the previous one ended.
  let prevEnd = 1;
  return records.map(({ record, info }) => {
    const start = prevEnd + 1;
    prevEnd = info.lines;
    // An empty cell of an optional column means the row has no such value.
    for (const f of OPTIONAL_FIELDS) if (record[f] === '') delete record[f];
    return { line: start, value: record };
  });
}

function validate(records: { line: number; value: unknown }[], problems: Problem[]): ResponseRow[] {
  const rows: ResponseRow[] = [];
  for (const { line, value } of records) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, message: 'expected a JSON object' });
      continue;
    }
    const missing = REQUIRED_FIELDS.filter((f) => !(f in value));
    if (missing.length) {
      for (const f of missing) problems.push({ line, field: f, message: 'is missing' });
      continue;
    }
    const r = responseRowSchema.safeParse(value);
    if (!r.success) {
      for (const iss of r.error.issues)
        problems.push({ line, field: String(iss.path[0] ?? ''), message: iss.message });
      continue;
    }
    const v = r.data;
    const dataset = v.dataset ?? DEFAULT_DATASET;
    if (dataset === MACRO_TASK) {
      problems.push({
        line,
        field: 'dataset',
        message: `'${MACRO_TASK}' is reserved for the macro average; rename the dataset`,
      });
      continue;
    }
    rows.push({
      line,
      promptId: v.prompt_id,
      prompt: v.prompt,
      model: v.model,
      response: v.response,
      reference: v.reference,
      dataset,
      probe: v.probe,
      template: v.template,
    });
  }
  return rows;
}

/** Two rows of one model for the same prompt cannot both be its answer. */
function duplicates(rows: ResponseRow[], problems: Problem[]): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const k = JSON.stringify([r.dataset, r.promptId, r.model]);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, r.line);
    else
      problems.push({
        line: r.line,
        field: 'prompt_id',
        message: `duplicate (prompt_id, model) = ('${r.promptId}', '${r.model}') in dataset '${r.dataset}', first on line ${first}`,
      });
  }
}

export function readResponses(file: string): ResponseSet {
  const text = readUserText(file);
  const format = detectFormat(file, text);
  const problems: Problem[] = [];
  const records = format === 'csv' ? csvRecords(file, text) : jsonlRecords(text, problems);
  const rows = validate(records, problems);
  duplicates(rows, problems);
  if (problems.length)
    fail(
      file,
      problems.sort((a, b) => a.line - b.line),
    );
  if (rows.length === 0)
    throw new UsageError(`${file}: no response rows. Fix: one row per (prompt, model).`, { file, line: 1 });
  return { file, format, rows, text };
}
