import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { UsageError } from '../../harness/errors.ts';

describe('forced backend', () => {
  it('fails with a usage error when a forced rung cannot load', async () => {
    // tfjs-node is an optional dependency whose install fails here, so forcing it must fail loudly.
    let err: unknown;
    try {
      await loadBackend({ backend: 'tensorflow' });
    } catch (e) {
      err = e;
    }
    if (err === undefined) return; // a machine where libtensorflow installed: nothing to assert
    expect(err).toBeInstanceOf(UsageError);
    expect(String((err as Error).message)).toMatch(/backend 'tensorflow' could not be loaded/);
    const info = await loadBackend({ backend: 'cpu' });
    expect(info.name).toBe('cpu');
  });
});
