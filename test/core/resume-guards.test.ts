import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINI } from '../../reports/testing/tmp-run.ts';
import { cli, tmp } from '../helpers/cli.ts';

const SUITE = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');

describe('resume guards', () => {
  it("D2: --out holding another suite's run is refused and left byte-identical", () => {
    const dir = join(tmp('db-resume-'), 'run');
    cpSync(MINI, dir, { recursive: true });
    const before = readFileSync(join(dir, 'results.jsonl'), 'utf8');
    const r = cli(['run', SUITE, '--out', dir, '--workers', '0', '--quiet', '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /holds a run of suite 'fixture-mini' \(hash synthetic0000000\).*pass a new --out or --fresh/,
    );
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe(before);
  });

  it('D16: a second run into a locked --out exits 2', () => {
    const dir = tmp('db-lock-');
    writeFileSync(
      join(dir, '.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'now' }),
    );
    const r = cli(['run', SUITE, '--out', dir, '--workers', '0', '--quiet', '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`pid ${process.pid}`);
  });
});
