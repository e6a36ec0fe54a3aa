/**
 * The run-dir lock: `<dir>/.lock` holds the writer's pid and host. A second writer into the same
 * dir exits 2 while the first is alive; a lock whose process is gone (same host, pid not running)
 * or that is unreadable is stale and taken over. A lock from another host cannot be checked, so it
 * is refused with the command that removes it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : undefined;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
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

/** Takes the lock of `dir` (which must exist) or throws RunDirLockedError. */
export function acquireRunDirLock(dir: string, command = 'run'): RunDirLock {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
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
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new OutputPathError(
          `${file}: cannot create the run-dir lock (${(err as NodeJS.ErrnoException).code}). Fix: pass a writable --out.`,
          file,
        );
    }
    const holder = readHolder(file);
    if (holder === 'absent') continue;
    if (holder && lockIsLive(holder))
      throw new RunDirLockedError(
        `--out ${dir} is in use by \`${holder.command ?? 'run'}\` (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}). Fix: wait for it to finish or pass another --out; if no such process is running, delete ${file}.`,
        dir,
        holder,
      );
    // Stale: move it aside first so that of two processes taking it over only one wins.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
      rmSync(aside, { force: true });
    } catch {
      // someone else took it over first; retry
    }
  }
  throw new OutputPathError(`${file}: could not take the run-dir lock. Fix: retry, or delete ${file}.`, file);
}
