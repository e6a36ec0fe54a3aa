// Worker-thread entry of gemm-pool.ts: the harness is TypeScript, so load it through tsx as bin/run-ts.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./gemm-thread.ts');
