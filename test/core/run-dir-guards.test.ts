import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINI } from '../../reports/testing/tmp-run.ts';
import { cli, tmp } from '../helpers/cli.ts';

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe('run-dir guards', () => {
  it('D4: merge of a dir without jobs/ exits 2 and writes nothing', () => {
    const out = join(tmp('db-merge-'), 'merged');
    const r = cli(['merge', MINI, '--out', out, '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/has no jobs\/ folder/);
    noStack(r.stderr);
    expect(existsSync(out)).toBe(false);
  });

  it('D3: merge refuses a job key that is a path', () => {
    const base = tmp('db-merge-');
    const shard = join(base, 's');
    cpSync(MINI, shard, { recursive: true });
    mkdirSync(join(shard, 'jobs'));
    const rec = JSON.parse(readFileSync(join(MINI, 'jobs.jsonl'), 'utf8').split('\n')[0]);
    rec.jobKey = '../../escaped';
    writeFileSync(
      join(shard, 'jobs', 'teacher-1.json'),
      JSON.stringify({ record: rec, results: [], examples: [] }),
    );
    const r = cli(['merge', shard, '--out', join(base, 'merged'), '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    noStack(r.stderr);
    expect(existsSync(join(base, 'escaped.json'))).toBe(false);
    expect(existsSync(join(base, 'merged'))).toBe(false);
  });

  it('D18: garbage results.jsonl without a newline exits 2 naming file:line', () => {
    const dir = join(tmp('db-garbage-'), 'run');
    cpSync(MINI, dir, { recursive: true });
    writeFileSync(join(dir, 'results.jsonl'), 'garbage');
    const r = cli(['report', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('results.jsonl:1:');
    noStack(r.stderr);
  });

  it('D7: a manifest with a null suite exits 2 naming the field', () => {
    const dir = join(tmp('db-null-'), 'run');
    cpSync(MINI, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.suite = null;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const r = cli(['report', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest\.json: field 'suite'/);
    noStack(r.stderr);
  });

  it('D6: a file as --out exits 2 without a stack', () => {
    const base = tmp('db-out-');
    writeFileSync(join(base, 'file'), 'x');
    const r = cli(['leaderboard', MINI, '--out', join(base, 'file')]);
    expect(r.code).toBe(2);
    noStack(r.stderr);
  });

  it('D27: merge refuses a symlink planted as --out', () => {
    const base = tmp('db-link-');
    symlinkSync(base, join(base, 'link'));
    const r = cli(['merge', MINI, '--out', join(base, 'link'), '--no-report']);
    expect(r.code).toBe(2);
    noStack(r.stderr);
  });

  it('D19: merge validates every input before writing: a bad second shard leaves no --out', () => {
    const base = tmp('db-merge-order-');
    const good = completeShard(base, 'a');
    const bad = completeShard(base, 'b');
    writeFileSync(join(bad, 'jobs', 'teacher-2.json'), '{"record": {"jobKey": "teach');
    const out = join(base, 'merged');
    const r = cli(['merge', good, bad, '--out', out, '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(join('b', 'jobs', 'teacher-2.json'));
    noStack(r.stderr);
    expect(existsSync(out)).toBe(false);
  });
  it('D28: merge refuses shards of different checkouts (their cost-based job splits need not add up)', () => {
    const base = tmp('db-merge-sha-');
    const a = completeShard(base, 'a');
    const b = completeShard(base, 'b');
    const manifest = JSON.parse(readFileSync(join(b, 'manifest.json'), 'utf8'));
    writeFileSync(join(b, 'manifest.json'), JSON.stringify({ ...manifest, gitSha: 'f'.repeat(40) }));
    const out = join(base, 'merged');
    const r = cli(['merge', a, b, '--out', out, '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/different checkouts.*Fix: rerun every shard from one checkout/s);
    noStack(r.stderr);
    expect(existsSync(out)).toBe(false);
    // The same two shards from one checkout merge.
    cpSync(join(a, 'manifest.json'), join(b, 'manifest.json'));
    expect(cli(['merge', a, b, '--out', out, '--no-report']).code).toBe(0);
  });
});

/** A copy of the mini run as a complete shard: one jobs/<key>.json per job of jobs.jsonl, with its rows. */
function completeShard(base: string, name: string): string {
  const lines = (f: string) =>
    readFileSync(join(MINI, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const dir = join(base, name);
  cpSync(MINI, dir, { recursive: true });
  mkdirSync(join(dir, 'jobs'));
  for (const record of lines('jobs.jsonl')) {
    const mine = (r: { jobKey: string }) => r.jobKey === record.jobKey;
    const file = {
      record,
      results: lines('results.jsonl').filter(mine),
      examples: lines('examples.jsonl').filter(mine),
    };
    writeFileSync(join(dir, 'jobs', `${record.jobKey}.json`), JSON.stringify(file));
  }
  return dir;
}
