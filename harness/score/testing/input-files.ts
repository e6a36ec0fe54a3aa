import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../../../test/helpers/cli.ts';

/** A temp folder for hand-written response and card files, and a writer that returns each file's path. */
export function inputFolder(prefix: string): { dir: string; file: (name: string, text: string) => string } {
  const dir = tmp(prefix);
  return {
    dir,
    file: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** One valid JSONL response row, with `o` overriding or adding fields. */
export const responseRow = (o: Record<string, unknown>) =>
  JSON.stringify({ prompt_id: 'p1', prompt: 'Q?', model: 'a', response: 'A.', ...o });
