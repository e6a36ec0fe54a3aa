// The package's CommonJS entry (`require('distill-bench')`). The harness is ESM TypeScript. Inside
// the CLI process (a suite or plugin that tsx compiled as CommonJS) this returns the instance the
// CLI already loaded, so a plugin registers into the registries the run reads. Elsewhere
// require(esm) of .ts files needs tsx's ESM hooks, which only `node --import tsx` can register on
// Node 20; without them the error says to use `await import('distill-bench')`, which always works.
const INSTANCE = Symbol.for('distill-bench.api');
if (!globalThis[INSTANCE]) {
  try {
    require('../harness/api.ts');
  } catch (err) {
    const e = new Error(
      "require('distill-bench') outside the distill-bench CLI needs tsx's ESM hooks (node --import tsx). " +
        "From CommonJS use `const { run, validate } = await import('distill-bench')` instead.",
    );
    e.cause = err;
    throw e;
  }
}
module.exports = globalThis[INSTANCE];
