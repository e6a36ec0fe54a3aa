import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cli, read, readJsonl, tmp } from '../helpers/cli.ts';

const SUITE = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');
const args = (out: string, cache: string, extra: string[] = []) => [
  'run',
  SUITE,
  '--out',
  out,
  '--cache-dir',
  cache,
  '--no-report',
  '--workers',
  '1',
  ...extra,
];

/** A CLI run whose stderr the test can watch while it runs. */
function start(argv: string[]) {
  const child = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((ok) => child.on('close', ok));
  const saw = (pattern: RegExp) =>
    new Promise<void>((ok, fail) => {
      const look = () => (pattern.test(err) ? ok() : undefined);
      child.stderr!.on('data', look);
      look();
      child.on('close', () => fail(new Error(`exited without printing ${pattern}:\n${err}`)));
    });
  return { child, exited, saw, stderr: () => err };
}

const killed = (c: ChildProcess) =>
  new Promise((ok) => {
    c.on('exit', ok);
    c.kill('SIGKILL');
  });

describe('two shards on one teacher cache (micro suite)', () => {
  it('train each teacher once, recover from a crashed holder, and merge to the unsharded results', async () => {
    const base = tmp('db-shard-cache-');
    const full = join(base, 'full');
    const r = cli(args(full, join(base, 'cache-full'), ['--quiet']));
    expect(r.code, r.stderr).toBe(0);
    // The teacher cache keys of this machine's backend, read from the unsharded run's cache.
    const keys = readdirSync(join(base, 'cache-full', 'teachers')).filter((f) => !f.includes('.'));
    expect(keys).toHaveLength(2); // one teacher per seed

    // A holder that "crashes" mid-training: a live process on this host holds the first teacher's lock.
    const cache = join(base, 'cache');
    mkdirSync(join(cache, 'teachers'), { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const lock = { pid: holder.pid, host: hostname(), startedAt: 'x', command: 'train teacher t' };
    writeFileSync(join(cache, 'teachers', `${keys[0]}.lock`), JSON.stringify(lock));

    const shards = [1, 2].map((i) => start(args(join(base, `s${i}`), cache, ['--shard', `${i}/2`])));
    const waiting = new RegExp(`waiting for teacher t \\(cache key ${keys[0]}\\): pid ${holder.pid} on `);
    try {
      // Both shards need both teachers (LPT gives each one student of each seed), so both wait on it.
      await Promise.all(shards.map((s) => s.saw(waiting)));
    } finally {
      await killed(holder);
    }
    const codes = await Promise.all(shards.map((s) => s.exited));
    expect(codes, shards.map((s) => s.stderr()).join('\n')).toEqual([0, 0]);

    const teacherRecords = [1, 2].flatMap((i) =>
      readJsonl(join(base, `s${i}`, 'jobs.jsonl')).filter((j) => j.kind === 'teacher'),
    );
    expect(teacherRecords).toHaveLength(4); // each shard ran both teacher jobs...
    const trained = teacherRecords.filter((t) => !t.cost.cacheHit);
    expect(trained).toHaveLength(2); // ...and each teacher was trained once overall
    expect(new Set(trained.map((t) => t.seed))).toEqual(new Set([1, 2]));
    for (const t of trained) expect(t.cost.optimizerSteps).toBe(30);
    // Both shards waited on the held teacher: one for the dead holder, the other for the one that took over.
    expect(teacherRecords.filter((t) => t.cost.lockWaitMs > 0).length).toBeGreaterThanOrEqual(2);

    const merged = join(base, 'merged');
    const m = cli(['merge', join(base, 's2'), join(base, 's1'), '--out', merged, '--no-report']);
    expect(m.code, m.stderr).toBe(0);
    expect(read(join(merged, 'results.jsonl'))).toBe(read(join(full, 'results.jsonl')));
    expect(read(join(merged, 'examples.jsonl'))).toBe(read(join(full, 'examples.jsonl')));
  });
});
