#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: no build step, so `npm ci` can never
// leave a stale or missing dist/ behind, and stack traces point at the .ts files.
import './register-tsx.mjs';

await import('../harness/cli.ts');
