import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../harness/engine/rng.ts';
import { UsageError } from '../../harness/errors.ts';
import { loadSuite } from '../../harness/runner/suite-load.ts';
import { cli, tmp } from '../helpers/cli.ts';

const BASE = YAML.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml'), 'utf8'));

type Mutation = { name: string; field: RegExp; apply(s: any, r: Rng): unknown };
const clone = () => JSON.parse(JSON.stringify(BASE));
/** Each malformation names the field the error message must point at. */
const MUTATIONS: Mutation[] = [
  { name: 'steps negative', field: /training\.steps/, apply: (s, r) => ((s.training.steps = -r.int(1, 1000)), s) },
  { name: 'steps huge', field: /training\.steps/, apply: (s, r) => ((s.training.steps = 1e9 + r.int(0, 9)), s) },
  { name: 'steps string', field: /training\.steps/, apply: (s) => ((s.training.steps = 'many'), s) },
  { name: 'unknown technique', field: /techniques\[\d\].*Did you mean/, apply: (s, r) => ((s.techniques[r.int(0, 2)] = r.pick(['sof-label', 'none2', 'hardlabel'])), s) },
  { name: 'missing students', field: /students/, apply: (s) => (delete s.students, s) },
  { name: 'missing seeds', field: /seeds/, apply: (s) => (delete s.seeds, s) },
  { name: 'seeds wrong type', field: /seeds/, apply: (s) => ((s.seeds = 'one'), s) },
  { name: 'unknown top-level field', field: /field 'techniqes'|Did you mean: 'techniques'/, apply: (s) => ((s.techniqes = []), s) },
  { name: 'unknown task', field: /tasks\[0\]\.id.*Did you mean/, apply: (s) => ((s.tasks[0].id = 'copy-revers'), s) },
  { name: 'bad task option', field: /tasks\[0\]\.options/, apply: (s, r) => ((s.tasks[0].options.trainSize = -r.int(1, 99)), s) },
  { name: 'unknown task option', field: /tasks\[0\]\.options.*Did you mean/, apply: (s) => ((s.tasks[0].options.trainSzie = 3), s) },
  { name: 'bad technique option', field: /techniques\[\d\].*temperature/, apply: (s, r) => ((s.techniques[1] = { 'soft-label': { temperature: -r.int(0, 5) } }), s) },
  { name: 'bad model preset', field: /students\[0\]\.model/, apply: (s) => ((s.students[0].model = 'gigantic'), s) },
  { name: 'heads not dividing dModel', field: /students\[0\]\.model.*heads/, apply: (s) => ((s.students[0].model = { dModel: 30, heads: 4 }), s) },
  { name: 'lr out of range', field: /training\.lr/, apply: (s, r) => ((s.training.lr = 1 + r.int(1, 9)), s) },
  { name: 'empty techniques', field: /techniques/, apply: (s) => ((s.techniques = []), s) },
  { name: 'teacher-needing technique without teachers', field: /needs at least 1 teacher/, apply: (s) => ((s.teachers = []), s) },
  { name: 'bad suite name', field: /field 'name'/, apply: (s) => ((s.name = 'has spaces/!'), s) },
  { name: 'wrong evaluation split', field: /evaluation\.splits/, apply: (s) => ((s.evaluation.splits = ['train']), s) },
  { name: 'yaml syntax error', field: /YAML syntax error/, apply: () => 'name: micro\ntasks: [ {id: copy-reverse\nseeds: [1' },
];

describe('suite validation fuzz', () => {
  const dir = tmp('db-fuzz-');
  const cases = Array.from({ length: 200 }, (_, i) => {
    const r = new Rng(`fuzz:${i}`);
    const m = MUTATIONS[i % MUTATIONS.length];
    const mutated = m.apply(clone(), r);
    const file = join(dir, `case-${i}.yaml`);
    writeFileSync(file, typeof mutated === 'string' ? mutated : YAML.stringify(mutated));
    return { i, m, file };
  });

  it('rejects 200 malformed suites with a UsageError naming the file and the field', async () => {
    for (const { m, file } of cases) {
      let err: unknown;
      try {
        await loadSuite(file);
      } catch (e) {
        err = e;
      }
      expect(err, `${m.name}: no error`).toBeInstanceOf(UsageError);
      const msg = (err as Error).message;
      expect(msg, m.name).toContain(file);
      expect(msg, `${m.name}: ${msg}`).toMatch(m.field);
    }
  });

  it('through the CLI: exit 2, no stack trace, no run directory', () => {
    for (const { m, file } of cases.slice(0, MUTATIONS.length).filter((_, k) => k % 4 === 0)) {
      const out = join(dir, `run-${m.name.replace(/\W+/g, '-')}`);
      const r = cli(['run', file, '--out', out, '--quiet']);
      expect(r.code, `${m.name}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
  });
});
