/**
 * The output-path check every writing command runs before any work: a clear exit-2 message
 * instead of a stack trace (a file, an unwritable folder), a hang (Node's recursive mkdir loops
 * under /proc) or a write through a planted symlink.
 */
import { accessSync, constants, lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { OutputPathError } from './errors.ts';

/** Kernel pseudo-filesystems: writes there either fail oddly or never return. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    // ENOTDIR: an ancestor is a file; the walk up reports that ancestor.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function underPseudoFs(path: string): boolean {
  return PSEUDO_ROOTS.some((r) => path === r || path.startsWith(`${r}${sep}`));
}

export interface OutDirOptions {
  /** The flag named in messages (default --out). */
  flag?: string;
  /** Accept a symlink as the directory itself (cache dirs: ~/.cache is often one). */
  allowSymlink?: boolean;
  /** Only check; create nothing (a dry run). */
  create?: boolean;
}

/**
 * Checks (and creates, one level at a time) an output directory; returns its absolute path.
 * Refused: paths under /proc, /sys, /dev; a leaf that is a symlink, a file or not writable; a
 * nearest existing ancestor that is not a writable directory.
 */
export function prepareOutDir(path: string, opts: OutDirOptions = {}): string {
  const flag = opts.flag ?? '--out';
  const fail = (why: string, fix = `pass a writable directory to ${flag}`) => {
    throw new OutputPathError(`${flag} ${path}: ${why}. Fix: ${fix}.`, path, flag);
  };
  if (!path) fail('empty path');
  const abs = resolve(path);
  if (underPseudoFs(abs)) fail('is inside a kernel pseudo-filesystem');
  // Walk up to the nearest existing ancestor, without creating anything yet.
  const missing: string[] = [];
  let cur = abs;
  let st: Stats | undefined;
  try {
    st = lstatOrUndefined(cur);
    while (!st) {
      missing.unshift(cur);
      const up = dirname(cur);
      if (up === cur) fail('no existing ancestor directory');
      cur = up;
      st = lstatOrUndefined(cur);
    }
  } catch (err) {
    fail(`cannot be inspected (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const stats = st as Stats;
  let real: string;
  try {
    real = realpathSync(cur);
  } catch (err) {
    return fail(`cannot be resolved (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (underPseudoFs(real)) fail(`resolves into a kernel pseudo-filesystem (${real})`);
  if (missing.length === 0 && stats.isSymbolicLink() && !opts.allowSymlink)
    fail('is a symbolic link', `pass the real directory (${real}) or a new path`);
  let isDir = stats.isDirectory();
  if (stats.isSymbolicLink()) {
    try {
      isDir = lstatSync(real).isDirectory();
    } catch {
      isDir = false;
    }
  }
  const what = missing.length === 0 ? 'is' : `has an ancestor ${cur} that is`;
  if (!isDir) fail(`${what} not a directory`);
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
  } catch {
    fail(`${what} not writable`);
  }
  if (opts.create === false) return abs;
  for (const dir of missing) {
    try {
      mkdirSync(dir); // non-recursive on purpose: one checked level at a time
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        fail(`cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return abs;
}

/**
 * Refuses to write `file` (inside an output dir) when something other than a regular file sits
 * there: a symlink planted at results.jsonl would otherwise carry appends outside --out.
 */
export function checkOutputFile(file: string): void {
  let st: Stats | undefined;
  try {
    st = lstatOrUndefined(file);
  } catch (err) {
    throw new OutputPathError(
      `${file}: cannot be inspected (${(err as NodeJS.ErrnoException).code}). Fix: check the output directory's permissions.`,
      file,
    );
  }
  if (st && !st.isFile())
    throw new OutputPathError(
      `${file}: is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; refusing to write through it. Fix: remove it or pass a new --out.`,
      file,
    );
}

/** A subdirectory of an output dir (jobs/): created if missing, refused if it is a symlink or file. */
export function ensureSubdir(dir: string, name: string): string {
  const sub = join(dir, name);
  const st = lstatOrUndefined(sub);
  if (st && !st.isDirectory())
    throw new OutputPathError(
      `${sub}: is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; refusing to write through it. Fix: remove it or pass a new --out.`,
      sub,
    );
  if (!st) {
    try {
      mkdirSync(sub);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new OutputPathError(
          `${sub}: cannot create (${(err as NodeJS.ErrnoException).code}). Fix: pass a writable --out.`,
          sub,
        );
    }
  }
  return sub;
}
