// Entry point of runner worker processes (forked by harness/runner/pool.ts).
import { register } from 'tsx/esm/api';

register();
await import('../harness/runner/worker.ts');
