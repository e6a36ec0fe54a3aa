import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { clock, etaMs } from '../../harness/runner/estimate.ts';
import { progressView } from '../../harness/runner/progress.ts';
import { aggregate } from '../../reports/aggregate.ts';
import { renderRunSummary, terminalSafe } from '../../reports/terminal-summary.ts';
import { syntheticRun } from '../../reports/testing/synthetic-run.ts';
import { CLI, cli, tmp } from '../helpers/cli.ts';

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');

describe('terminal output of the CLI', () => {
  it('`list | head -1` exits 0 without an EPIPE stack (list prints ~25 KB, more than head reads)', () => {
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" list | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toBe('# tasks\n');
    expect(r.stderr).toBe('rc=0\n');
  });

  it('an unknown option is one line ending "(see --help)", exit 2, no help dump', () => {
    const r = cli(['run', 'smoke', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--bogus' (see --help)\n");
    expect(r.stdout).toBe('');
  });

  it('list --json and validate --json print JSON only, matching the text output', () => {
    const all = JSON.parse(cli(['list', '--json']).stdout);
    expect(Object.keys(all)).toEqual(['tasks', 'techniques', 'metrics', 'suites']);
    const text = cli(['list', 'techniques']).stdout;
    for (const t of all.techniques) expect(text).toContain(`${t.id}: ${t.description}`);
    expect(all.suites).toContain('smoke');
    const v = JSON.parse(cli(['validate', MICRO, '--json']).stdout);
    // fixtures/suites/micro.yaml: one task, three techniques, seeds 1 and 2.
    expect(v).toMatchObject({
      ok: true,
      tasks: ['copy-reverse'],
      techniques: ['none', 'soft-label', 'hard-label'],
    });
    expect(v.seeds).toEqual([1, 2]);
  });

  it('gate --json and leaderboard --json print JSON only on stdout', () => {
    const mini = join(import.meta.dirname, '..', '..', 'fixtures', 'runs', 'mini');
    const out = tmp('db-json-');
    const g = cli(['gate', mini, '--baseline', mini, '--json', '--out', out]);
    expect(g.code).toBe(0);
    const gate = JSON.parse(g.stdout);
    // The mini fixture gated against itself: every difference is 0, so nothing regresses.
    expect(gate.counts.regression).toBe(0);
    expect(gate.comparisons.length).toBeGreaterThan(0);
    const l = cli(['leaderboard', mini, '--out', join(out, 'site'), '--json']);
    expect(l.code).toBe(0);
    expect(JSON.parse(l.stdout).tables.length).toBeGreaterThan(0);
  });

  it('run --dry-run --json prints the plan as JSON only', () => {
    const r = cli(['run', MICRO, '--dry-run', '--json', '--out', join(tmp('db-dry-'), 'r')]);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    // micro: 2 seeds × (1 teacher + 3 techniques × 1 student) = 8 jobs, none finished.
    expect(res.plan.jobs).toHaveLength(8);
    expect(res.plan.jobs.filter((j: { kind: string }) => j.kind === 'teacher')).toHaveLength(2);
    expect(res.plan.estimatedMs).toBe(
      res.plan.jobs.reduce((a: number, j: { estimateMs: number }) => a + j.estimateMs, 0),
    );
  });

  it('a run ends with the primary-metric table and the report path; --quiet prints no progress', () => {
    const out = join(tmp('db-sum-'), 'r');
    const args = ['run', MICRO, '--out', out, '--cache-dir', join(out, '..', 'cache'), '--workers', '1'];
    const first = cli([...args, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ran: 8, failed: 0, failures: [] });
    expect(first.stderr).toBe('');
    const again = cli([...args, '--quiet']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/copy-reverse · test — \S+ [↑↓]/);
    for (const t of ['none', 'soft-label', 'hard-label'])
      expect(again.stdout).toMatch(new RegExp(`\\n  ${t}`));
    expect(again.stdout).toContain(`report: ${join(out, 'report.html')}`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 120_000);
});

describe('ETA from per-job estimates', () => {
  it('scales the remaining estimate by measured speed and divides by workers', () => {
    // 10 s estimated left; finished jobs took 2x their estimate (4 s for 2 s) → 20 s on one worker.
    expect(
      etaMs({
        remainingEstimateMs: 10_000,
        doneEstimateMs: 2000,
        doneActualMs: 4000,
        running: [],
        workers: 1,
      }),
    ).toBe(20_000);
    expect(
      etaMs({
        remainingEstimateMs: 10_000,
        doneEstimateMs: 2000,
        doneActualMs: 4000,
        running: [],
        workers: 4,
      }),
    ).toBe(5000);
  });

  it('before any job finishes: never 0 while work remains; a job over its estimate raises the scale', () => {
    // One 8 s job running 2 s, 12 s queued: scale 1 → 6 s left on it + 12 s = 18 s.
    expect(
      etaMs({
        remainingEstimateMs: 20_000,
        doneEstimateMs: 0,
        doneActualMs: 0,
        running: [{ estimateMs: 8000, elapsedMs: 2000 }],
        workers: 1,
      }),
    ).toBe(18_000);
    // The same job at 16 s (2x its estimate): scale 2 → 0 s on it + 24 s queued.
    expect(
      etaMs({
        remainingEstimateMs: 20_000,
        doneEstimateMs: 0,
        doneActualMs: 0,
        running: [{ estimateMs: 8000, elapsedMs: 16_000 }],
        workers: 1,
      }),
    ).toBe(24_000);
  });

  it('clock formats seconds, minutes and hours', () => {
    expect([clock(0), clock(59_400), clock(135_000), clock(3_780_000)]).toEqual([
      '0s',
      '59s',
      '2m15s',
      '1h03m',
    ]);
  });
});

describe('progress views', () => {
  it("--quiet prints a failed job's first line and its log path, nothing else", () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const v = progressView('quiet');
    v.start(
      [
        { label: 'a', estimateMs: 1 },
        { label: 'b', estimateMs: 1 },
      ],
      1,
    );
    v.jobStarted('a');
    v.jobDone('a', 'ok', 5);
    v.jobStarted('b');
    v.jobDone('b', 'failed', 5, { reason: 'out of memory', log: 'runs/x/logs/k.log' });
    v.stop();
    expect(err.mock.calls).toEqual([['failed b: out of memory (full log: runs/x/logs/k.log)']]);
    err.mockRestore();
  });

  it('prints a job warning (loss still falling) per line with --progress lines, not with --quiet', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const mode of ['quiet', 'lines'] as const) {
      const v = progressView(mode);
      v.start([{ label: 'a', estimateMs: 1 }], 1);
      v.jobWarning('a', 'training loss still falling at the end: …');
      v.stop();
    }
    expect(err.mock.calls).toEqual([['warning: a: training loss still falling at the end: …']]);
    err.mockRestore();
  });
});

describe('end-of-run summary', () => {
  it('one table per task × split with the primary metric, best starred, gains vs none', () => {
    const model = aggregate(syntheticRun({ seeds: [1, 2, 3] }));
    const text = renderRunSummary(model, 'runs/x/report.html');
    for (const t of model.tables) expect(text).toContain(`${t.task} · ${t.split} — ${t.primary}`);
    expect(text).toMatch(/★/);
    expect(text).toMatch(/vs none/);
    expect(text.trimEnd().endsWith('report: runs/x/report.html')).toBe(true);
  });

  it('strips terminal control characters from names', () => {
    expect(terminalSafe('evil\u001b[2Jname\u0007\u009b')).toBe('evil[2Jname');
  });
});
