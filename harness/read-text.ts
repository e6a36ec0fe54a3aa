import { readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

/** A user's UTF-8 input file without its BOM; an unreadable file is a UsageError naming it (exit 2). */
export function readUserText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err}).`, { file });
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
