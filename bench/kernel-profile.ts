/**
 * Kernel-level profile of training steps for `npm run bench:train -- --profile`: runs 5 steps and
 * 5 forward+backward passes alone under tf.profile, and prints per-step kernel counts and ms per kernel
 * name and per kernel family. The optimizer's share is the step minus forward+backward.
 * BENCHMARKS.md#training-kernel-profile has the figures.
 */
import { tf } from '../harness/engine/tf.ts';

export interface KernelRow {
  name: string;
  count: number;
  ms: number;
}

/** Which family a kernel name belongs to (the grouping of BENCHMARKS.md#training-kernel-profile). */
const FAMILIES: [string, RegExp][] = [
  ['matmul', /^(BatchMatMul|_FusedMatMul)$/],
  ['transpose', /^Transpose$/],
  ['reduction', /^(Sum|Mean|Max|Min|Prod|ArgMax|All|Any)$/],
  ['copy/reshape', /^(Identity|Reshape|Cast|Concat|Pack|Unpack|Slice|Tile|ZerosLike|OnesLike|Fill|Squeeze)$/],
  ['gather/scatter', /^(GatherV2|UnsortedSegmentSum|OneHot|ScatterNd)$/],
  ['softmax', /^(Softmax|LogSoftmax)$/],
  ['fused (distill)', /^Distill/],
  ['(outside kernels)', /^\(outside kernels\)$/],
];

export function family(kernel: string): string {
  for (const [name, re] of FAMILIES) if (re.test(kernel)) return name;
  return 'elementwise';
}

/** Per-call averages over `reps` calls of `fn` (one call's figures move by 2x on a loaded machine). */
async function profile(fn: () => void, reps: number): Promise<KernelRow[]> {
  const t0 = performance.now();
  const info = await tf.profile(() => {
    for (let r = 0; r < reps; r++) fn();
  });
  const wall = performance.now() - t0;
  const rows = new Map<string, KernelRow>();
  for (const k of info.kernels) {
    // customGrad wrappers ('forward', 'logSoftmax__op') also list the kernels they run: count those once.
    if (k.name === 'forward' || k.name.endsWith('__op')) continue;
    const row = rows.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    row.count++;
    row.ms += k.kernelTimeMs as number;
    rows.set(k.name, row);
  }
  // Wall time not spent inside kernels: the engine's bookkeeping, gradient tape and our JS.
  const inKernels = [...rows.values()].reduce((s, r) => s + r.ms, 0);
  rows.set('(outside kernels)', { name: '(outside kernels)', count: 0, ms: wall - inKernels });
  const avg = [...rows.values()].map((r) => ({ name: r.name, count: r.count / reps, ms: r.ms / reps }));
  return avg.sort((a, b) => b.ms - a.ms);
}

/** Per-name rows of `a` minus `b` (kernels `b` lacks count in full). */
function minus(a: KernelRow[], b: KernelRow[]): KernelRow[] {
  const byName = new Map(b.map((r) => [r.name, r]));
  return a
    .map((r) => ({
      name: r.name,
      count: r.count - (byName.get(r.name)?.count ?? 0),
      ms: r.ms - (byName.get(r.name)?.ms ?? 0),
    }))
    .filter((r) => r.count > 0 || r.name === '(outside kernels)')
    .sort((x, y) => y.ms - x.ms);
}

function byFamily(rows: KernelRow[]): KernelRow[] {
  const out = new Map<string, KernelRow>();
  for (const r of rows) {
    const f = family(r.name);
    const row = out.get(f) ?? { name: f, count: 0, ms: 0 };
    row.count += r.count;
    row.ms += r.ms;
    out.set(f, row);
  }
  return [...out.values()].sort((a, b) => b.ms - a.ms);
}

function table(title: string, rows: KernelRow[]): string {
  const total = rows.reduce((s, r) => ({ count: s.count + r.count, ms: s.ms + r.ms }), { count: 0, ms: 0 });
  const lines = rows.map(
    (r) => `  ${r.name.padEnd(20)} ${String(r.count).padStart(5)} ${r.ms.toFixed(1).padStart(9)}`,
  );
  return [`${title}: ${total.count} kernels, ${total.ms.toFixed(1)} ms`, ...lines].join('\n');
}

/** Profiles `step` (a whole training step) and `fwdBwd` (its gradient computation alone). */
export async function printKernelProfile(step: () => void, fwdBwd: () => void, reps: number): Promise<void> {
  const all = await profile(step, reps);
  const grads = await profile(fwdBwd, reps);
  const opt = minus(all, grads);
  console.log(table('step, by family', byFamily(all)));
  console.log(table('forward+backward, by family', byFamily(grads)));
  console.log(table('optimizer (step minus forward+backward), by family', byFamily(opt)));
  console.log(table('step, by kernel', all));
}
