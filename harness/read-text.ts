import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './errors.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Line (1-based) and byte of the first invalid UTF-8 sequence, for a message the user can act on. */
function firstInvalidByte(bytes: Uint8Array): { offset: number; line: number } {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === 0x0a) line++;
    const len =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return { offset: i, line };
    try {
      if (len > 1) UTF8.decode(bytes.subarray(i, i + len));
    } catch {
      return { offset: i, line };
    }
    i += len;
  }
  return { offset: i, line };
}

/**
 * A user's input file as text: UTF-8 without its BOM (for every format: JSON.parse refuses one, YAML
 * and CSV would read it as part of the first key). Invalid UTF-8 (a Latin-1 export, a binary file)
 * is refused naming the line and byte, instead of silently becoming U+FFFD. A missing or unreadable
 * file or a directory is a UsageError naming it (exit 2).
 */
export function readUserText(file: string, what = 'input file'): string {
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory())
      throw new UsageError(
        `${file}: is a directory, not a${/^[aeiou]/.test(what) ? 'n' : ''} ${what}. Fix: give the path of a file.`,
        {
          file,
        },
      );
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
    throw new UsageError(`${file}: cannot read (${why}).`, { file });
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    const at = firstInvalidByte(bytes);
    throw new UsageError(
      `${file}:${at.line}: not valid UTF-8 (byte 0x${bytes[at.offset]?.toString(16).padStart(2, '0')} at offset ${at.offset}). ` +
        'Fix: save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`.',
      { file, line: at.line },
    );
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
