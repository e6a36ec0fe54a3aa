import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { cli, tmp } from '../helpers/cli.ts';

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');

describe('suite metrics nothing can produce', () => {
  it('a teacher-less suite asking for rse exits 2 naming the field, why, and what it can produce', () => {
    const s = YAML.parse(readFileSync(MICRO, 'utf8'));
    s.teachers = [];
    s.techniques = ['none'];
    s.metrics = ['wer', 'rse'];
    const file = join(tmp('suite-metrics-'), 'no-teacher.yaml');
    writeFileSync(file, YAML.stringify(s));
    const r = cli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: metrics[1]: 'rse' needs a teacher's outputs on the same prompts`);
    expect(r.stderr).toMatch(/Metrics this suite can produce: [^\n]*\bwer\b/);
    expect(r.stderr).not.toMatch(/can produce: [^\n]*rse-proxy/);
  });
});
