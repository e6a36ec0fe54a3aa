import { z } from 'zod';
import { SuiteSchema } from './runner/suite-schema.ts';

/**
 * The JSON Schema of suite files, generated from the zod schema that validates them (never written by
 * hand), for editor completion and checks (`# yaml-language-server: $schema=...`). `io: 'input'`
 * describes what a user writes: fields with defaults are optional. Published at
 * schemas/suite.schema.json by `npm run schema`; test/package/suite-schema.test.ts keeps it in sync.
 */
export function suiteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SuiteSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: 'urn:distill-bench:schemas:suite',
    title: 'distill-bench suite',
    description: 'A distill-bench suite file (YAML or JSON). See README "Suite reference".',
    ...schema,
  };
}

export const suiteJsonSchemaText = (): string => `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;
