import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SuiteSchema } from '../../harness/runner/suite-schema.ts';
import { suiteJsonSchemaText } from '../../harness/suite-json-schema.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const published = readFileSync(join(ROOT, 'schemas', 'suite.schema.json'), 'utf8');

it('schemas/suite.schema.json is what the zod suite schema generates (run `npm run schema`)', () => {
  expect(published).toBe(suiteJsonSchemaText());
});

it('describes every suite field, and requires exactly the fields without defaults', () => {
  const schema = JSON.parse(published);
  expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(SuiteSchema.shape).sort());
  expect(schema.additionalProperties).toBe(false);
  expect([...schema.required].sort()).toEqual([
    'name',
    'seeds',
    'students',
    'tasks',
    'techniques',
    'training',
  ]);
});

it('every built-in YAML suite points editors at the published schema', () => {
  for (const f of readdirSync(join(ROOT, 'suites')).filter((f) => f.endsWith('.yaml'))) {
    const first = readFileSync(join(ROOT, 'suites', f), 'utf8').split('\n')[0];
    expect(first, f).toBe('# yaml-language-server: $schema=../schemas/suite.schema.json');
  }
});
