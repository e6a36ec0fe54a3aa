import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { Rng } from '../../harness/engine/rng.ts';
import { UsageError } from '../../harness/errors.ts';
import { loadSuite } from '../../harness/runner/suite-load.ts';
import { cli, tmp } from '../helpers/cli.ts';

const BASE = YAML.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml'), 'utf8'),
);

/** Mutates the suite in place, or returns raw text (for syntax errors). */
type Mutation = { name: string; field: RegExp; apply(s: any, r: Rng): string | undefined };
const clone = () => JSON.parse(JSON.stringify(BASE));
const m = (name: string, field: RegExp, apply: (s: any, r: Rng) => string | undefined): Mutation => ({
  name,
  field,
  apply,
});
/** Each malformation names the field the error message must point at. */
const MUTATIONS: Mutation[] = [
  m('steps negative', /training\.steps/, (s, r) => void (s.training.steps = -r.int(1, 1000))),
  m('steps huge', /training\.steps/, (s, r) => void (s.training.steps = 1e9 + r.int(0, 9))),
  m('steps string', /training\.steps/, (s) => void (s.training.steps = 'many')),
  m(
    'unknown technique',
    /techniques\[\d\].*Did you mean/,
    (s, r) => void (s.techniques[r.int(0, 2)] = r.pick(['sof-label', 'none2', 'hardlabel'])),
  ),
  m('missing students', /students/, (s) => void delete s.students),
  m('missing seeds', /seeds/, (s) => void delete s.seeds),
  m('seeds wrong type', /seeds/, (s) => void (s.seeds = 'one')),
  m(
    'unknown top-level field',
    /field 'techniqes'|Did you mean: 'techniques'/,
    (s) => void (s.techniqes = []),
  ),
  m('unknown task', /tasks\[0\]\.id.*Did you mean/, (s) => void (s.tasks[0].id = 'copy-revers')),
  m('bad task option', /tasks\[0\]\.options/, (s, r) => void (s.tasks[0].options.trainSize = -r.int(1, 99))),
  m(
    'unknown task option',
    /tasks\[0\]\.options.*Did you mean/,
    (s) => void (s.tasks[0].options.trainSzie = 3),
  ),
  m(
    'bad technique option',
    /techniques\[\d\].*temperature/,
    (s, r) => void (s.techniques[1] = { 'soft-label': { temperature: -r.int(0, 5) } }),
  ),
  m('bad model preset', /students\[0\]\.model/, (s) => void (s.students[0].model = 'gigantic')),
  m(
    'heads not dividing dModel',
    /students\[0\]\.model.*heads/,
    (s) => void (s.students[0].model = { dModel: 30, heads: 4 }),
  ),
  m('lr out of range', /training\.lr/, (s, r) => void (s.training.lr = 1 + r.int(1, 9))),
  m('empty techniques', /techniques/, (s) => void (s.techniques = [])),
  m('teacher-needing technique without teachers', /needs at least 1 teacher/, (s) => void (s.teachers = [])),
  m('bad suite name', /field 'name'/, (s) => void (s.name = 'has spaces/!')),
  m('wrong evaluation split', /evaluation\.splits/, (s) => void (s.evaluation.splits = ['train'])),
  m('yaml syntax error', /YAML syntax error/, () => 'name: micro\ntasks: [ {id: copy-reverse\nseeds: [1'),
];

describe('suite validation fuzz', () => {
  const dir = tmp('db-fuzz-');
  const cases = Array.from({ length: 200 }, (_, i) => {
    const r = new Rng(`fuzz:${i}`);
    const mutation = MUTATIONS[i % MUTATIONS.length];
    const suite = clone();
    const raw = mutation.apply(suite, r);
    const file = join(dir, `case-${i}.yaml`);
    writeFileSync(file, raw ?? YAML.stringify(suite));
    return { i, m: mutation, file };
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
