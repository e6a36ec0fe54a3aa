import fc from 'fast-check';

// Property tests draw from a fixed seed so CI is reproducible (a red run reruns red); set FC_SEED to
// explore other draws locally, and add any counterexample found as an explicit `examples` entry.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261202), numRuns: 100 });
