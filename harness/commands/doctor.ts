import type { Command } from 'commander';
import { loadBackend } from '../engine/backend.ts';
import { deviceInfo } from '../engine/device-info.ts';
import { chooseWorkers, machineFacts } from '../runner/worker-count.ts';

/** `distill-bench doctor`: which backend loads here, why higher rungs were skipped, the machine, and the worker count `run` would use. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show the TensorFlow.js backend that loads here, why others were skipped, and machine facts')
    .option('--backend <name>', 'try to force this backend (same names as run --backend)')
    .option('--json', 'print JSON')
    .action(async (opts: { backend?: string; json?: boolean }) => {
      const backend = await loadBackend({ backend: opts.backend });
      const facts = machineFacts(backend.name, backend.wasmThreads);
      const info = {
        backend,
        device: deviceInfo(),
        gpus: { count: facts.gpus, source: facts.gpuSource },
        workers: chooseWorkers(facts),
      };
      if (opts.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      console.log(`backend: ${backend.name} (tfjs backend '${backend.tfBackend}')`);
      if (backend.name === 'wasm') {
        const err = backend.fastMatMulMaxRelError;
        console.log(
          `  fast BatchMatMul: ${backend.fastMatMul ? 'on' : 'off'}` +
            (err === undefined ? '' : ` (self-test max rel. error ${err.toExponential(1)})`),
        );
        const fusedErr = backend.fusedMaxRelError;
        console.log(
          `  fused kernels (Sum, GatherV2, Identity, Cast, Exp, Transpose, clip+Adam, layer norm, GELU, attention softmax): ${backend.fused ? 'on' : 'off'}` +
            (fusedErr === undefined ? '' : ` (self-test max rel. error ${fusedErr.toExponential(1)})`),
        );
        console.log(
          `  generated GEMM: ${backend.gemm}` +
            (backend.gemm === 'off'
              ? ' (XNNPACK products)'
              : backend.gemm === 'mul+add'
                ? ' (the same numbers on every host; DISTILL_BENCH_GEMM=fma asks for relaxed SIMD)'
                : ' (relaxed SIMD, DISTILL_BENCH_GEMM=fma)'),
        );
        console.log(
          `  threads: ${backend.wasmThreads}` +
            (backend.wasmThreads > 1
              ? ' (threaded binary, DISTILL_BENCH_WASM_THREADS)'
              : ' (set DISTILL_BENCH_WASM_THREADS for more)'),
        );
      }
      for (const s of backend.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);
      for (const w of backend.warnings) console.log(`  warning: ${w}`);
      console.log(`gpus: ${info.gpus.count} (${info.gpus.source})`);
      console.log(
        `workers: ${info.workers.workers} by default for \`run\` (${info.workers.reason}; --workers overrides)`,
      );
      for (const [k, v] of Object.entries(info.device)) {
        console.log(
          `${k}: ${Array.isArray(v) ? v.join(', ') || '-' : v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : v}`,
        );
      }
    });
}
