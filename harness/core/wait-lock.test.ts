import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LockHolder } from './lock.ts';
import { holderIsStale, waitForLock } from './wait-lock.ts';

const lockFile = () => join(mkdtempSync(join(tmpdir(), 'db-wait-lock-')), 'x.lock');
const holder = (h: Partial<LockHolder>) =>
  `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'then', command: 'train', ...h })}\n`;
const age = (file: string, seconds: number) => {
  const t = Date.now() / 1000 - seconds;
  utimesSync(file, t, t);
};
/** A pid that ran on this host and has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const pending = async (p: Promise<unknown>, ms: number) =>
  (await Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), ms))])) ===
  'pending';

describe('holderIsStale', () => {
  it('judges by pid on this host, by age on any host, and gives an unreadable file 10 s', () => {
    const here = { pid: process.pid, host: hostname(), startedAt: '' };
    expect(holderIsStale(here, 0, 1000)).toBe(false);
    expect(holderIsStale(here, 1001, 1000)).toBe(true); // alive but not refreshing: a reused pid
    expect(holderIsStale({ ...here, pid: deadPid() }, 0, 1000)).toBe(true);
    expect(holderIsStale({ ...here, host: 'elsewhere' }, 999, 1000)).toBe(false);
    expect(holderIsStale({ ...here, host: 'elsewhere' }, 1001, 1000)).toBe(true);
    expect(holderIsStale(undefined, 9_000, 1000)).toBe(false);
    expect(holderIsStale(undefined, 11_000, 1000)).toBe(true);
  });
});

describe('waitForLock', () => {
  it('takes a free lock at once and removes it on release', async () => {
    const file = lockFile();
    const lock = await waitForLock(file, { command: 'train' });
    expect(lock.waitedMs).toBeLessThan(500);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'train' });
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('waits for a live holder, reports the wait, then takes the lock when it is released', async () => {
    const file = lockFile();
    const first = await waitForLock(file, { command: 'train teacher t' });
    const reports: [LockHolder, number][] = [];
    const second = waitForLock(file, {
      command: 'train teacher t',
      pollMs: 10,
      reportEveryMs: 60_000,
      onWait: (h, ms) => reports.push([h, ms]),
    });
    expect(await pending(second, 150)).toBe(true);
    expect(reports).toHaveLength(1); // the wait's start; the next report would come after 60 s
    expect(reports[0][0]).toMatchObject({ pid: process.pid, command: 'train teacher t' });
    first.release();
    const got = await second;
    expect(got.waitedMs).toBeGreaterThanOrEqual(150);
    got.release();
  });

  it('takes over at once from a holder on this host whose process is gone (a crashed shard)', async () => {
    const file = lockFile();
    writeFileSync(file, holder({ pid: deadPid() }));
    const lock = await waitForLock(file, { command: 'train', pollMs: 10_000 });
    expect(lock.waitedMs).toBeLessThan(1000);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it("waits for another host's holder while it refreshes the file, takes over once it stops", async () => {
    const file = lockFile();
    writeFileSync(file, holder({ host: 'other-host', pid: 1 }));
    const waiting = waitForLock(file, { command: 'train', staleMs: 5_000, pollMs: 10 });
    expect(await pending(waiting, 100)).toBe(true);
    age(file, 6); // the other host's holder has not refreshed the file for 6 s > 5 s
    const lock = await waiting;
    expect(JSON.parse(readFileSync(file, 'utf8')).host).toBe(hostname());
    lock.release();
  });

  it('heartbeat refreshes its own file and leaves a file that another process took over alone', async () => {
    const file = lockFile();
    const lock = await waitForLock(file, { command: 'train', staleMs: 120 }); // writes at most every 10 ms
    age(file, 60);
    await new Promise((r) => setTimeout(r, 20));
    lock.heartbeat();
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(5_000);
    writeFileSync(file, holder({ host: 'other-host' }));
    age(file, 60);
    await new Promise((r) => setTimeout(r, 20));
    lock.heartbeat();
    expect(Date.now() - statSync(file).mtimeMs).toBeGreaterThan(59_000);
    lock.release(); // not ours any more: stays
    expect(existsSync(file)).toBe(true);
  });

  it('treats an empty (half-written) file as held for 10 s, then as stale', async () => {
    const file = lockFile();
    writeFileSync(file, '');
    const waiting = waitForLock(file, { command: 'train', pollMs: 10 });
    expect(await pending(waiting, 100)).toBe(true);
    age(file, 11);
    (await waiting).release();
  });
});
