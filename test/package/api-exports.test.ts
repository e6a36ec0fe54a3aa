import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as api from '../../harness/api.ts';

/** bin/api.mjs lists the API's names by hand (it must register tsx first): it may not drift. */
it('bin/api.mjs re-exports exactly the runtime exports of harness/api.ts', () => {
  const src = readFileSync(join(import.meta.dirname, '..', '..', 'bin', 'api.mjs'), 'utf8');
  const listed = /export const \{([^}]*)\}/
    .exec(src)![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  expect(listed.sort()).toEqual(Object.keys(api).sort());
  const instance = (globalThis as Record<symbol, object>)[Symbol.for('distill-bench.api')];
  expect(Object.keys(instance).sort()).toEqual(Object.keys(api).sort());
});
