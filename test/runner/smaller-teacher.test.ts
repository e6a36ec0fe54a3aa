import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parameterCount } from '../../harness/models/config.ts';
import { contextLength, resolveModel } from '../../harness/runner/plan.ts';
import { cli, runSuite, tmp } from '../helpers/cli.ts';

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');
const dir = tmp('db-smaller-teacher-');
const BIG_STUDENT = { preset: 'nano', dModel: 64, heads: 4 };

/** micro.yaml with a student larger than its `nano` teacher and the given techniques. */
function suite(name: string, techniques: unknown[]): string {
  const s = YAML.parse(readFileSync(MICRO, 'utf8'));
  s.students[0].model = BIG_STUDENT;
  s.techniques = techniques;
  s.seeds = [1];
  s.training.steps = 4;
  s.teachers[0].training.steps = 4;
  s.evaluation = { splits: ['test'], maxExamples: 4, maxNewTokens: 4 };
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, YAML.stringify(s));
  return f;
}

// The sizes the warning must name, from the same resolution the planner uses (micro: maxLength 16).
const maxLen = contextLength({ maxLength: 16 });
const teacherParams = parameterCount(resolveModel('nano', maxLen, 'teachers[0].model'));
const studentParams = parameterCount(resolveModel(BIG_STUDENT as never, maxLen, 'students[0].model'));

describe('a teacher smaller than its student', () => {
  it('the two sizes differ as the test assumes', () => {
    expect(teacherParams).toBeLessThan(studentParams);
  });

  it('warns at validate, naming both sizes and the techniques it affects', () => {
    const r = cli(['validate', suite('distil', ['none', 'hard-label', 'soft-label'])]);
    expect(r.code, r.stderr).toBe(0);
    const warning = r.stderr.split('\n').find((l) => l.startsWith('warning: '));
    expect(warning).toBeDefined();
    expect(warning).toContain(
      `teacher 't' (${teacherParams} parameters) is smaller than student 's' (${studentParams} parameters)`,
    );
    expect(warning).toContain('hard-label, soft-label would distil');
    expect(warning).not.toContain('none,');
  });

  it('does not warn when only techniques built for a smaller teacher use it', () => {
    const r = cli(['validate', suite('w2s', ['none', { 'weak-to-strong': { weakPreset: 'nano' } }])]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning:');
  });

  it('does not warn when the teacher is the larger model', () => {
    const s = YAML.parse(readFileSync(MICRO, 'utf8'));
    const f = join(dir, 'normal.yaml');
    writeFileSync(f, YAML.stringify(s));
    expect(cli(['validate', f]).stderr).not.toContain('warning:');
  });

  it('run prints the warning on stderr and records it in the manifest', () => {
    const out = join(dir, 'run');
    const r = runSuite(suite('run', ['hard-label']), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${join(dir, 'run.yaml')}: task 'copy-reverse': teacher 't' (${teacherParams} parameters)`,
    );
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.warnings.filter((w: string) => w.includes('is smaller than student'))).toHaveLength(1);
  }, 120_000);
});
