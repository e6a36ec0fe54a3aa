/**
 * What `npm run bench:train -- --ab <what>` alternates step by step (bench/train.ts): the names of its two
 * sides and a switch (true: the first side, the default one).
 */
import { type BackendInfo, setFusedKernels } from '../harness/engine/backend.ts';
import { installFusedGelu, uninstallFusedGelu } from '../harness/engine/fused-gelu.ts';
import { installFusedSoftmax, uninstallFusedSoftmax } from '../harness/engine/fused-softmax.ts';
import { DEFAULT_GEMM_SPIN_US, setGemmSpin, setSplitKernels } from '../harness/engine/wasm-gemm/gemm-pool.ts';
import type { SplitName } from '../harness/engine/wasm-simd/module.ts';

interface Sides {
  on: string;
  off: string;
  toggle: (first: boolean) => void;
  needsFused: boolean;
}

/** `split` turns on the kernels in `split` (--split) against none. */
function sidesFor(split: readonly SplitName[]): Record<string, Sides> {
  return {
    fused: { on: 'fused', off: 'unfused', toggle: (first) => setFusedKernels(first), needsFused: true },
    gelu: {
      on: 'fusedGelu',
      off: 'stockGelu',
      toggle: (first) => (first ? installFusedGelu() : uninstallFusedGelu()),
      needsFused: true,
    },
    softmax: {
      on: 'fusedSoftmax',
      off: 'stockSoftmax',
      toggle: (first) => (first ? installFusedSoftmax() : uninstallFusedSoftmax()),
      needsFused: true,
    },
    spin: {
      on: 'spin',
      off: 'sleep',
      toggle: (first) => setGemmSpin(first ? DEFAULT_GEMM_SPIN_US : 0),
      needsFused: false,
    },
    split: {
      on: 'split',
      off: 'oneThread',
      toggle: (first) => setSplitKernels(first ? split : []),
      needsFused: true,
    },
  };
}

export function abSides(
  what: string | true,
  backend: BackendInfo,
  split: readonly SplitName[],
): [string, string, string, (first: boolean) => void] {
  const all = sidesFor(split);
  const label = what === true ? 'fused' : what;
  const sides = Object.hasOwn(all, label) ? all[label] : undefined;
  if (!sides) throw new Error(`--ab: unknown setting "${label}"; use ${Object.keys(all).join(', ')}`);
  if (sides.needsFused && !backend.fused)
    throw new Error('--ab needs the wasm backend with its fused kernels (see `distill-bench doctor`)');
  return [label, sides.on, sides.off, sides.toggle];
}
