// The package's ESM entry (`import { run } from 'distill-bench'`): registers tsx's loader, then
// re-exports harness/api.ts. Static `export ... from` cannot be used: Node would load the .ts file
// before the loader is registered. The names are checked against harness/api.ts by a test.
import './register-tsx.mjs';

const api = await import('../harness/api.ts');

export const {
  defineSuite,
  run,
  score,
  gate,
  report,
  validate,
  registerMetric,
  taskRegistry,
  techniqueRegistry,
  metricRegistry,
  UsageError,
  version,
  BatchSampler,
  encodeAll,
  lmLoss,
  trainStudent,
  finish,
} = api;
