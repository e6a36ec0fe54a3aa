import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { UsageError } from '../../harness/errors.ts';
import { loadSuite } from '../../harness/runner/suite-load.ts';
import '../setup/fast-check.ts';
import { cliConcurrent, tmp } from '../helpers/cli.ts';

/**
 * Property test (issue 15): any mutation of fixtures/suites/micro.yaml (value swaps, deletions, type
 * changes, huge strings, duplicates, YAML syntax damage) is either a valid suite or one UsageError;
 * through the CLI, `validate` and `run --dry-run --out` exit 0 or 2, print no stack trace and write
 * nothing outside --out.
 */

const TEXT = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml'), 'utf8');
const BASE = YAML.parse(TEXT);

/** Every path to a value in the suite, for the mutations to aim at. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [at];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [at, ...keys.flatMap((k) => paths((v as any)[k], [...at, k]))];
}
const PATHS = paths(BASE).filter((p) => p.length > 0);

const junk = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.constant('x'.repeat(20_000)),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ __proto__: null, constructor: 1 }),
);

type Mutation =
  | { kind: 'set'; path: number; value: unknown }
  | { kind: 'delete'; path: number }
  | { kind: 'duplicate'; path: number }
  | { kind: 'damage'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.nat(PATHS.length - 1), value: junk }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat(PATHS.length - 1) }),
  fc.record({ kind: fc.constant('duplicate' as const), path: fc.nat(PATHS.length - 1) }),
  fc.record({
    kind: fc.constant('damage' as const),
    at: fc.nat(TEXT.length),
    text: fc.constantFrom(
      '[',
      ']',
      '{',
      ':',
      '&a',
      '*a',
      '*undefined',
      '\t',
      '"',
      '\n  - ',
      '\uFEFF',
      '\u0000',
    ),
  }),
);

function apply(ms: Mutation[]): string {
  let suite = structuredClone(BASE);
  for (const m of ms) {
    if (m.kind === 'damage') continue;
    const path = PATHS[m.path];
    const parent = path
      .slice(0, -1)
      .reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), suite);
    const key = path[path.length - 1];
    if (!parent || typeof parent !== 'object') continue;
    if (m.kind === 'set') parent[key] = m.value;
    else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
    else if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
  }
  if (suite === undefined) suite = {};
  let text = YAML.stringify(suite);
  for (const m of ms) if (m.kind === 'damage') text = text.slice(0, m.at) + m.text + text.slice(m.at);
  return text;
}

describe('suite property test (fast-check, fixed seed)', () => {
  const dir = tmp('suite-prop-');
  let n = 0;
  const write = (text: string) => {
    const f = join(dir, `m${n++}.yaml`);
    writeFileSync(f, text);
    return f;
  };

  it('loadSuite: a mutated micro suite is valid or one UsageError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        const f = write(apply(ms));
        try {
          await loadSuite(f);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          expect((e as Error).message).toContain(f);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('CLI: validate and run --dry-run exit 0 or 2, no stack trace, nothing written outside --out', async () => {
    const cases = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 3 }), {
      numRuns: 6,
      seed: 20261202,
    });
    const root = tmp('suite-prop-cli-');
    const env = { HOME: root, XDG_CACHE_HOME: join(root, 'xdg'), DISTILL_BENCH_CACHE: join(root, 'cache') };
    const runs = cases.flatMap((ms, i) => {
      const f = join(root, `case${i}.yaml`);
      writeFileSync(f, apply(ms));
      return [
        cliConcurrent(['validate', f], env),
        cliConcurrent(['run', f, '--dry-run', '--out', join(root, `out${i}`)], env),
      ];
    });
    for (const r of await Promise.all(runs)) {
      expect([0, 2], r.out).toContain(r.code);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // Only the case files (and at most each case's own --out) exist under the sandbox.
    for (const entry of readdirSync(root)) expect(entry).toMatch(/^(case\d+\.yaml|out\d+)$/);
    // Six CLI starts: seconds on an idle machine, more on a shared one.
  }, 180_000);
});
