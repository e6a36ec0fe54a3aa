import { createRequire } from 'node:module';

/** The harness version recorded in manifests and mixed into every cache key. */
export const HARNESS_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
