import { UsageError } from '../errors.ts';
import { readUserText } from '../read-text.ts';

/**
 * Inputs of `distill-bench metric`: aligned segment files and numeric CSV matrices. Every problem is
 * a UsageError naming the file and line, so the CLI exits 2 with a message the user can act on.
 */

/** Lines of a text file as Python's universal newlines read them; a final newline ends the last line. */
export function readSegments(file: string): string[] {
  const text = readUserText(file);
  if (text === '') {
    throw new UsageError(`${file}: the file is empty; expected one segment per line.`, { file, line: 1 });
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Hypotheses and one or more reference streams, checked to have the same number of lines. */
export function readAligned(
  refFiles: readonly string[],
  hypFile: string,
): { refs: string[][]; hyps: string[] } {
  const hyps = readSegments(hypFile);
  const refs = refFiles.map((file) => {
    const lines = readSegments(file);
    if (lines.length !== hyps.length) {
      const [longer, shorter] = lines.length > hyps.length ? [file, hypFile] : [hypFile, file];
      const line = Math.min(lines.length, hyps.length) + 1;
      throw new UsageError(
        `${file} has ${lines.length} lines but ${hypFile} has ${hyps.length}: line ${line} of ${longer} has no ` +
          `counterpart in ${shorter}. Fix: one segment per line in both files, aligned.`,
        { file: longer, line },
      );
    }
    return lines;
  });
  return { refs, hyps };
}

/** A numeric CSV matrix (no header), every row the same width. */
export function readMatrix(file: string): number[][] {
  const rows = readSegments(file).map((line, i) => {
    const where = { file, line: i + 1 };
    if (line.trim() === '') throw new UsageError(`${file}:${i + 1}: empty line inside the matrix.`, where);
    return line.split(',').map((f, k) => {
      const v = Number(f);
      if (f.trim() === '' || !Number.isFinite(v)) {
        throw new UsageError(
          `${file}:${i + 1}: column ${k + 1} is '${f.trim()}', not a number. Fix: numbers only, no header row.`,
          where,
        );
      }
      return v;
    });
  });
  rows.forEach((r, i) => {
    if (r.length !== rows[0].length) {
      const msg = `${file}:${i + 1}: ${r.length} columns but line 1 has ${rows[0].length}.`;
      throw new UsageError(msg, { file, line: i + 1 });
    }
  });
  return rows;
}
