// Registers tsx's ESM and CommonJS hooks once per process, whichever entry (CLI, worker, API) comes
// first. Both are needed: a TypeScript suite or plugin inside a CommonJS project (no "type": "module")
// is compiled as CommonJS, and without the CJS hook Node reads it as plain JavaScript and fails on the
// first type annotation.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const FLAG = Symbol.for('distill-bench.tsx-registered');
if (!globalThis[FLAG]) {
  globalThis[FLAG] = true;
  registerEsm();
  registerCjs();
}
