// Entry point of runner worker processes (forked by harness/runner/pool.ts).
import './register-tsx.mjs';

await import('../harness/runner/worker.ts');
