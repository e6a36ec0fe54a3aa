import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lossTail } from '../../harness/training/loss-tail.ts';
import { cli, cliAsync, read, tmp } from '../helpers/cli.ts';

const SUITE = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');
const run = (out: string, cache: string, extra: string[] = []) =>
  cli([
    'run',
    SUITE,
    '--out',
    out,
    '--cache-dir',
    cache,
    '--quiet',
    '--no-report',
    '--workers',
    '1',
    ...extra,
  ]);

describe('runner end to end (micro suite)', () => {
  const base = tmp('db-run-');
  const full = join(base, 'full');

  it('runs every job and writes the run directory', () => {
    const r = run(full, join(base, 'cache-a'));
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['manifest.json', 'results.jsonl', 'jobs.jsonl', 'examples.jsonl'])
      expect(existsSync(join(full, f))).toBe(true);
    const manifest = JSON.parse(read(join(full, 'manifest.json')));
    expect(manifest.jobs).toHaveLength(8); // 2 teachers + 3 techniques x 2 seeds
    expect(manifest.jobs.every((j: { status: string }) => j.status === 'ok')).toBe(true);
    expect(Object.keys(manifest.metricSignatures)).toContain('accuracy');
  });

  it('records each student job loss-tail slope and warns when the loss still falls fast', () => {
    const manifest = JSON.parse(read(join(full, 'manifest.json')));
    const students = read(join(full, 'jobs.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((j) => j.kind === 'student');
    expect(students).toHaveLength(6);
    let fast = 0;
    for (const j of students) {
      const tail = lossTail(j.curve)!;
      expect(j.cost.lossTailSlope).toBeCloseTo(tail.slopePer100, 12);
      const warned = manifest.warnings.some((w: string) =>
        w.startsWith(`${j.technique}/${j.student}/seed ${j.seed}: training loss still falling`),
      );
      expect(warned, `${j.technique} seed ${j.seed}`).toBe(tail.fallingFast);
      if (tail.fallingFast) fast++;
    }
    // 15 steps from scratch: some student is still learning fast.
    expect(fast).toBeGreaterThan(0);
  });

  it('is deterministic: a second run from a fresh cache gives byte-identical results', () => {
    const again = join(base, 'again');
    expect(run(again, join(base, 'cache-b')).code).toBe(0);
    expect(read(join(again, 'results.jsonl'))).toBe(read(join(full, 'results.jsonl')));
    expect(read(join(again, 'examples.jsonl'))).toBe(read(join(full, 'examples.jsonl')));
  });

  it('resumes after a SIGKILL without re-running finished jobs, ending with the same results', async () => {
    const out = join(base, 'killed');
    const cache = join(base, 'cache-c');
    const child = cliAsync([
      'run',
      SUITE,
      '--out',
      out,
      '--cache-dir',
      cache,
      '--no-report',
      '--workers',
      '1',
    ]);
    // Not a TTY, so one line per job on stderr (--quiet would print failures only).
    const firstDone = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stderr!.on('data', (d) => {
        buf += d;
        const m = /ok (copy-reverse\/\S+\/s\/seed \d)/.exec(buf);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`exited before a student job finished:\n${buf}`)));
    });
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const finished = readdirSync(join(out, 'jobs')).length;
    expect(finished).toBeGreaterThanOrEqual(2); // its teacher and the student we saw finish
    const second = run(out, cache);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain(`start ${firstDone}`);
    expect(second.stdout).toMatch(
      new RegExp(`${8 - finished} job\\(s\\) run, ${finished} already finished, 0 failed`),
    );
    expect(read(join(out, 'results.jsonl'))).toBe(read(join(full, 'results.jsonl')));
  });

  it('--shard 1/2 + --shard 2/2 + merge equals the unsharded run', () => {
    const cache = join(base, 'cache-d');
    expect(run(join(base, 's1'), cache, ['--shard', '1/2']).code).toBe(0);
    expect(run(join(base, 's2'), cache, ['--shard', '2/2']).code).toBe(0);
    const merged = join(base, 'merged');
    const m = cli(['merge', join(base, 's2'), join(base, 's1'), '--out', merged, '--no-report']);
    expect(m.code, m.stderr).toBe(0);
    expect(read(join(merged, 'results.jsonl'))).toBe(read(join(full, 'results.jsonl')));
  });

  it('a second run with the same teacher cache trains no teacher', () => {
    const out = join(base, 'warm');
    expect(run(out, join(base, 'cache-a')).code).toBe(0);
    const teachers = read(join(out, 'jobs.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((j) => j.kind === 'teacher');
    expect(teachers).toHaveLength(2);
    for (const t of teachers) expect(t.cost).toMatchObject({ cacheHit: true, optimizerSteps: 0 });
  });

  it('--dry-run prints the plan and marks finished jobs', () => {
    const r = run(full, join(base, 'cache-a'), ['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/8 jobs, 8 finished/);
  });
});
