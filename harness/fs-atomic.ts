import { renameSync, writeFileSync } from 'node:fs';

/** Writes a file atomically (temp file + rename): readers see the old file or the whole new one. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
