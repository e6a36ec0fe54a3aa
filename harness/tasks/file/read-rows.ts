import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError } from '../../errors.ts';

/** One data row with the 1-based line it starts on, for messages. */
export interface FileRow {
  line: number;
  values: Record<string, unknown>;
}

/**
 * Reads a user's JSONL or CSV file into rows (Map-free plain records made with a null prototype:
 * column names come from the user). Rejects non-UTF-8 bytes, bad JSON lines and ragged CSV rows,
 * each naming the file and line.
 */
export function readRows(
  file: string,
  field = 'tasks[].options.path',
): { rows: FileRow[]; columns: string[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err}). Fix: check ${field}.`,
      { file, field },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = bytes.indexOf(0xff) >= 0 ? bytes.indexOf(0xff) : firstBadByte(bytes);
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    throw new UsageError(`${file}:${line}: not UTF-8 (byte offset ${at}). Fix: re-save the file as UTF-8.`, {
      file,
      line,
    });
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return file.toLowerCase().endsWith('.csv') ? csvRows(file, text) : jsonlRows(file, text);
}

function firstBadByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return bytes.length;
}

function record(obj: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) out[k] = v;
  return out;
}

function jsonlRows(file: string, text: string) {
  const rows: FileRow[] = [];
  const columns = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (err) {
      throw new UsageError(
        `${file}:${i + 1}: invalid JSON (${(err as Error).message}). Fix: one JSON object per line.`,
        { file, line: i + 1 },
      );
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new UsageError(`${file}:${i + 1}: expected a JSON object per line.`, { file, line: i + 1 });
    const values = record(v as Record<string, unknown>);
    for (const k of Object.keys(values)) columns.add(k);
    rows.push({ line: i + 1, values });
  });
  return { rows, columns: [...columns] };
}

function csvRows(file: string, text: string) {
  let records: string[][];
  try {
    records = parseCsv(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new UsageError(`${file}: invalid CSV: ${(err as Error).message}`, { file });
  }
  const [header, ...body] = records;
  if (!header) throw new UsageError(`${file}: empty CSV: the first row must name the columns.`, { file });
  // csv-parse does not report line numbers per record here; count physical lines as we go.
  const starts = recordLines(text);
  const rows = body.map((cells, i) => {
    const line = starts[i + 1] ?? i + 2;
    if (cells.length !== header.length)
      throw new UsageError(
        `${file}:${line}: ${cells.length} field(s) but the header has ${header.length}. Fix: quote fields that contain commas, or add the missing fields.`,
        { file, line },
      );
    return { line, values: record(Object.fromEntries(header.map((h, j) => [h, cells[j]]))) };
  });
  return { rows, columns: header };
}

/** The 1-based line each CSV record starts on (quoted fields may span lines). */
function recordLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let quoted = false;
  let atStart = true;
  for (const ch of text) {
    if (atStart && ch !== '\n' && ch !== '\r') {
      starts.push(line);
      atStart = false;
    }
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n') {
      line++;
      if (!quoted) atStart = true;
    }
  }
  return starts;
}
