import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitForLock } from '../core/wait-lock.ts';
import { obtainTeacher, type Teacher, teacherCacheDir } from '../techniques/teachers.ts';

/** obtainTeacher's arguments (its last overload: any teacher kind). */
type ObtainArgs = Parameters<typeof obtainTeacher>[0];

/**
 * A trained teacher, trained at most once per cache: processes sharing a cache dir (shards, maybe on
 * other hosts through a shared volume) take a lock per teacher key (harness/core/wait-lock.ts), so one
 * trains while the others wait and then load its checkpoint. The lock only saves the waste: the cache
 * write itself is atomic (saveCachedModel in harness/models/checkpoint.ts), so a stale-lock takeover
 * that lets two train can cost time but never a torn checkpoint.
 */
export async function obtainTeacherOnce(
  args: ObtainArgs,
  report: (line: string, waitedMs: number) => void,
): Promise<{ teacher: Teacher; lockWaitMs: number }> {
  const { key, dir } = teacherCacheDir(args);
  // Already cached: no lock (the common case for every student job and every later run).
  if (existsSync(join(dir, 'model.json'))) return { teacher: await obtainTeacher(args), lockWaitMs: 0 };
  mkdirSync(dirname(dir), { recursive: true });
  const lock = await waitForLock(`${dir}.lock`, {
    command: `train teacher ${args.spec.id}`,
    onWait: (h, ms) =>
      report(
        `waiting for teacher ${args.spec.id} (cache key ${key}): pid ${h.pid} on ${h.host} is training it (since ${h.startedAt}); waited ${Math.round(ms / 1000)} s`,
        ms,
      ),
  });
  try {
    // Re-checked under the lock by obtainTeacher: a holder that finished leaves a cache hit.
    const teacher = await obtainTeacher({ ...args, onStep: () => lock.heartbeat() });
    return { teacher, lockWaitMs: lock.waitedMs };
  } finally {
    lock.release();
  }
}
