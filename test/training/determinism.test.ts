import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { generate } from '../../harness/text/generate.ts';
import { PAIRS, TOK, trainTiny } from '../helpers/tiny.ts';

// Backend is chosen by the environment so the same test runs on wasm (default) and cpu (see below).
const backend = process.env.DISTILL_BENCH_TEST_BACKEND ?? 'wasm';

describe(`determinism on ${backend}`, () => {
  it('the same config, seed and backend give bit-identical losses and generations', async () => {
    await loadBackend({ backend });
    const steps = backend === 'cpu' ? 15 : 40;
    const run = async () => {
      const { model, result } = await trainTiny(11, steps, { dModel: 16, layers: 1, heads: 2, dFF: 32 });
      const gens = await generate(
        model,
        TOK,
        PAIRS.map((p) => p.prompt),
        { maxNewTokens: 8, temperature: 0.8, seed: 5 },
      );
      model.dispose();
      return { losses: result.history.map((h) => h.terms.total), texts: gens.map((g) => g.text) };
    };
    const a = await run();
    const b = await run();
    expect(b.losses).toEqual(a.losses);
    expect(b.texts).toEqual(a.texts);
    // A different seed must change the numbers (otherwise the test could not fail).
    const { result } = await trainTiny(12, steps, { dModel: 16, layers: 1, heads: 2, dFF: 32 });
    expect(result.history.map((h) => h.terms.total)).not.toEqual(a.losses);
  });
});
