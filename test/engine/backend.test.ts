import { describe, expect, it } from 'vitest';
import { loadBackend, parseBackendName } from '../../harness/engine/backend.ts';
import { UsageError } from '../../harness/errors.ts';

describe('backend ladder', () => {
  it('falls through the rungs that cannot load here and records why', async () => {
    const info = await loadBackend();
    // On a machine without libtensorflow or the opt-in webgpu package the ladder must land on wasm.
    const skipped = info.skipped.map((s) => s.name);
    if (info.name === 'wasm') {
      expect(skipped).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
      for (const s of info.skipped) expect(s.reason.length).toBeGreaterThan(10);
      expect(info.fastMatMul).toBe(true);
      expect(info.fastMatMulMaxRelError).toBeLessThan(1e-4);
      expect(info.fused).toBe(true);
      expect(info.fusedMaxRelError).toBeLessThan(1e-5);
    }
    expect(info.tfBackend).toBe(info.name.startsWith('tensorflow') ? 'tensorflow' : info.name);
  });

  it('rejects an unknown backend name with the allowed list', () => {
    expect(() => parseBackendName('wsam')).toThrow(UsageError);
    expect(() => parseBackendName('wsam')).toThrow(/Allowed: tensorflow-gpu, tensorflow, webgpu, wasm, cpu/);
  });

  it('refuses to switch backends once one is active', async () => {
    const info = await loadBackend();
    const other = info.name === 'cpu' ? 'wasm' : 'cpu';
    await expect(loadBackend({ backend: other })).rejects.toThrow(/already initialised/);
  });
});
