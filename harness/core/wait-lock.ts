/**
 * A lock that waits: processes that share a folder (shards on one teacher cache, possibly on other
 * hosts through a shared volume) take turns at one piece of work. The holder refreshes the file's
 * mtime while it works (`heartbeat`), so a holder that crashed is recognised by either a dead pid on
 * this host or a file not refreshed for `staleMs` on any host, and taken over: nobody waits forever.
 */
import { readFileSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { type LockHolder, lockIsLive, tryLockFile } from './lock.ts';

export interface WaitLockOptions {
  /** What the holder is doing, stored in the file for the waiters' messages. */
  command: string;
  /** A holder whose file is older than this is stale, whatever its host (default 120 s). */
  staleMs?: number;
  /** How often a waiter looks again (default 500 ms). */
  pollMs?: number;
  /** Called when the wait starts and then every `reportEveryMs` (default 10 s) while it lasts. */
  onWait?: (holder: LockHolder, waitedMs: number) => void;
  reportEveryMs?: number;
}

export interface HeldLock {
  file: string;
  /** How long the lock was waited for (0: free at once). */
  waitedMs: number;
  /** Marks the holder alive; cheap to call often (it writes at most every staleMs / 12). */
  heartbeat(): void;
  release(): void;
}

export const DEFAULT_STALE_MS = 120_000;

/** An unreadable file (a holder between create and write, or a damaged one) is stale after this. */
const UNREADABLE_STALE_MS = 10_000;

/** Stale: this host's holder process is gone, or the holder stopped refreshing the file. */
export function holderIsStale(h: LockHolder | undefined, ageMs: number, staleMs: number): boolean {
  if (!h) return ageMs > UNREADABLE_STALE_MS;
  if (h.host === hostname() && !lockIsLive(h)) return true;
  return ageMs > staleMs;
}

/** Takes `file`, waiting (and reporting) while a live holder has it. */
export async function waitForLock(file: string, opts: WaitLockOptions): Promise<HeldLock> {
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: opts.command,
  };
  const t0 = Date.now();
  let reported = Number.NEGATIVE_INFINITY;
  for (;;) {
    const got = tryLockFile(file, me, (h, age) => holderIsStale(h, age, staleMs));
    if ('lock' in got) return held(got.lock, Date.now() - t0, staleMs);
    const waited = Date.now() - t0;
    if (waited - reported >= (opts.reportEveryMs ?? 10_000)) {
      reported = waited;
      opts.onWait?.(got.holder, waited);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}

function held(lock: { file: string; release(): void }, waitedMs: number, staleMs: number): HeldLock {
  const mine = readFileSync(lock.file, 'utf8');
  let last = Date.now();
  let lost = false;
  return {
    file: lock.file,
    waitedMs,
    heartbeat() {
      const now = Date.now();
      if (lost || now - last < staleMs / 12) return;
      last = now;
      try {
        // Only our own file: if a waiter judged us stale and took over, its lock is not ours to refresh.
        if (readFileSync(lock.file, 'utf8') === mine) utimesSync(lock.file, now / 1000, now / 1000);
        else lost = true;
      } catch {
        lost = true;
      }
    },
    release: () => lock.release(),
  };
}
