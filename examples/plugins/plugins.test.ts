import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, read, tmp } from '../../test/helpers/cli.ts';
import { lengthError } from './length-error.ts';
import { uppercase } from './uppercase-task.ts';

const SUITE = join(import.meta.dirname, 'suite.yaml');

describe('example plugins (task, technique, metric)', () => {
  it('length-error is the mean relative length difference (by hand: (1/3 + 2/2) / 2)', () => {
    expect(lengthError(['ab', 'abcd'], ['abc', 'ab'])).toBeCloseTo(2 / 3, 12);
    expect(lengthError(['same'], ['same'])).toBe(0);
  });

  it('the uppercase task is a pure function of (options, seed) with upper-cased references', () => {
    const o = uppercase.options.parse({ trainSize: 5, testSize: 3 });
    const a = uppercase.generate(o, 7);
    expect(uppercase.generate(o, 7)).toEqual(a);
    expect(uppercase.generate(o, 8)).not.toEqual(a);
    for (const e of [...a.splits.train, ...a.splits.test, ...a.splits.ood]) expect(e.response).toBe(e.prompt.toUpperCase());
    expect(a.splits.ood.every((e) => e.prompt.length >= 5)).toBe(true);
  });

  it('a suite using all three runs with --workers 2: every worker loaded the plugins', () => {
    const base = tmp('db-plugins-');
    const out = join(base, 'run');
    const r = cli(['run', SUITE, '--out', out, '--cache-dir', join(base, 'cache'), '--workers', '2', '--quiet', '--no-report']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(read(join(out, 'manifest.json')));
    // A worker without the plugins fails its job with "Unknown task 'uppercase'".
    expect(manifest.jobs.map((j: { status: string }) => j.status)).toEqual(['ok', 'ok', 'ok']);
    const rows = read(join(out, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    const examples = read(join(out, 'examples.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    for (const technique of ['none', 'gold-and-teacher']) {
      const row = rows.find((x) => x.metric === 'length-error' && x.technique === technique);
      const ex = examples.filter((e) => e.technique === technique && e.split === 'test');
      // Recomputed from the job's own example rows, by the definition.
      const byHand = ex.reduce((s, e) => s + Math.abs(e.response.length - e.reference.length) / e.reference.length, 0) / ex.length;
      expect(row.value).toBeCloseTo(byHand, 12);
      expect(row.direction).toBe('lower');
    }
  });

  it('list shows plugin entries with the plugin they came from', () => {
    const r = cli(['list', '--suite', SUITE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^uppercase \(plugin \.\/uppercase-task\.ts\): /m);
    expect(r.stdout).toMatch(/^gold-and-teacher \(plugin \.\/gold-and-teacher\.ts\): /m);
    expect(r.stdout).toMatch(/^length-error .*\(plugin \.\/length-error\.ts\)$/m);
    expect(r.stdout).toMatch(/^none: /m);
  });

  it('a plugin that throws at import: exit 2 naming the plugin and its message, no run dir', () => {
    const base = tmp('db-plugin-bad-');
    writeFileSync(join(base, 'bad-plugin.ts'), "throw new Error('needs FOO_API_KEY');\n");
    writeFileSync(
      join(base, 'suite.yaml'),
      read(SUITE).replace('plugins: [./uppercase-task.ts, ./gold-and-teacher.ts, ./length-error.ts]', 'plugins: [./bad-plugin.ts]'),
    );
    const out = join(base, 'run');
    const r = cli(['run', join(base, 'suite.yaml'), '--out', out, '--workers', '0', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("plugin './bad-plugin.ts' threw while loading: needs FOO_API_KEY");
    expect(existsSync(out)).toBe(false);
    const missing = cli(['validate', join(base, 'suite.yaml').replace('suite.yaml', 'x.yaml')]);
    expect(missing.code).toBe(2);
  });
});
