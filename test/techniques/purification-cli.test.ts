import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from '../helpers/cli.ts';

const SUITE = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'purification-one-teacher.yaml');

describe('CLI: purification with fewer than 2 teachers', () => {
  it('validate and run exit 2 naming the technique, the count and the fix', () => {
    for (const args of [
      ['validate', SUITE],
      ['run', SUITE, '--out', join(tmp('db-purify-'), 'run')],
    ]) {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/purify:similarity-router/);
      expect(r.stderr).toMatch(/at least 2 teacher/);
      expect(r.stderr).toMatch(/Fix: add teachers/);
    }
  }, 120_000);
});
