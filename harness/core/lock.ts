/**
 * The run-dir lock: `<dir>/.lock` holds the writer's pid and host. A second writer into the same
 * dir exits 2 while the first is alive; a lock whose process is gone (same host, pid not running)
 * or that is unreadable is stale and taken over. A lock from another host cannot be checked, so it
 * is refused with the command that removes it.
 */
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OutputPathError, RunDirLockedError } from './errors.ts';

export const LOCK_FILE = '.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

function readHolder(file: string): LockHolder | undefined | 'absent' {
  const text = readText(file);
  return text === undefined ? 'absent' : parseHolder(text);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a holder's process still runs (as far as this host can tell). */
export function lockIsLive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  return h.pid === process.pid || isAlive(h.pid);
}

/** The live holder of a dir's lock, if any (for readers such as merge, which do not lock inputs). */
export function liveLockHolder(dir: string): LockHolder | undefined {
  const h = readHolder(join(dir, LOCK_FILE));
  return h && h !== 'absent' && lockIsLive(h) ? h : undefined;
}

export interface RunDirLock {
  file: string;
  release(): void;
}

export type LockAttempt = { lock: RunDirLock } | { holder: LockHolder };

/**
 * One try at `file` as an exclusive lock (O_EXCL create) holding `me`. A holder that `isStale` judges
 * gone (given the holder, undefined when unreadable, and the file's age) is moved aside and the create
 * retried; a live one is returned. Shared by the run-dir lock and the teacher lock (wait-lock.ts).
 */
export function tryLockFile(
  file: string,
  me: LockHolder,
  isStale: (holder: LockHolder | undefined, ageMs: number) => boolean,
  fix = 'Fix: make its folder writable.',
): LockAttempt {
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, text, { flag: 'wx', mode: 0o644 });
      const release = () => {
        process.off('exit', release);
        try {
          if (readFileSync(file, 'utf8') === text) rmSync(file);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { lock: { file, release } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new OutputPathError(
          `${file}: cannot create the lock (${(err as NodeJS.ErrnoException).code}). ${fix}`,
          file,
        );
    }
    const seen = readText(file);
    if (seen === undefined) continue; // released meanwhile
    const holder = parseHolder(seen);
    if (holder && !isStale(holder, ageMs(file))) return { holder };
    if (!holder && !isStale(undefined, ageMs(file))) return { holder: UNREADABLE };
    // Stale: move it aside first so that of two processes taking it over only one wins; if what
    // was moved is not what was judged stale (a newer holder took it over meanwhile), put it back.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
      if (readText(aside) !== seen) linkSync(aside, file);
    } catch {
      // someone else took it over first; retry
    }
    rmSync(aside, { force: true });
  }
  throw new OutputPathError(`${file}: could not take the lock. Fix: retry, or delete ${file}.`, file);
}

/** Stands for a lock file whose content cannot be read as a holder (being written, or damaged). */
const UNREADABLE: LockHolder = { pid: 0, host: '?', startedAt: '?' };

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Takes the lock of `dir` (which must exist) or throws RunDirLockedError. */
export function acquireRunDirLock(dir: string, command = 'run'): RunDirLock {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  // An unreadable run-dir lock is stale at once (as before); another host's lock never is.
  const got = tryLockFile(file, me, (h) => !h || !lockIsLive(h), 'Fix: pass a writable --out.');
  if ('lock' in got) return got.lock;
  const holder = got.holder;
  throw new RunDirLockedError(
    `--out ${dir} is in use by \`${holder.command ?? 'run'}\` (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}). Fix: wait for it to finish or pass another --out; if no such process is running, delete ${file}.`,
    dir,
    holder,
  );
}
