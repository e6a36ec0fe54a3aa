import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { OutputPathError } from './core/errors.ts';

/**
 * Writes a file atomically (temp file + rename): readers see the old file or the whole new one.
 * The rename replaces a symlink at `path` rather than writing through it; the temp file is created
 * exclusively (a planted symlink there is refused, not followed) and removed when anything fails.
 */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    try {
      writeFileSync(tmp, data, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      rmSync(tmp, { force: true }); // left by an earlier process with this pid
      writeFileSync(tmp, data, { flag: 'wx' });
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new OutputPathError(
      `${path}: cannot write (${code}). Fix: check that its folder is a writable directory with free space.`,
      path,
    );
  }
}
