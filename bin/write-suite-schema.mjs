#!/usr/bin/env node
// `npm run schema`: regenerates schemas/suite.schema.json from the zod suite schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import './register-tsx.mjs';

const { suiteJsonSchemaText } = await import('../harness/suite-json-schema.ts');
writeFileSync(join(import.meta.dirname, '..', 'schemas', 'suite.schema.json'), suiteJsonSchemaText());
