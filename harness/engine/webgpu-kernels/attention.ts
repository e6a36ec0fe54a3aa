import { tf } from '../tf.ts';
import { reduceSnippet, reductionArrays, rowLayout, runProgram, type WgslProgram } from './program.ts';

/**
 * Fused causal/padded attention core for tfjs's webgpu backend, the formula of TransformerLM.forward
 * (harness/models/transformer.ts): ctx = softmax(q·kᵀ·scale + mask)·v, with q [B, H, T, dh],
 * k and v [B, H, S, dh], mask the additive [B, 1, T, S] of attentionMask there (0 or −1e9).
 * Forward is 1 dispatch (one workgroup per query row; its probabilities live in workgroup memory);
 * backward 4: per-row (logsumexp, Σ p·dp), dq (per query row), dk and dv (per key row, recomputing
 * p from the saved logsumexp). Stock tfjs takes 5 forward (matMul, mul, add, softmax, matMul) and
 * about a dozen backward. These kernels bind up to 6 inputs, more than WebGPU compatibility mode's
 * minimum of 4 storage buffers per stage: fusedAttentionAvailable checks the device's limit.
 */

const MAX_KEYS = 2048;
const MAX_HEAD_DIM = 128;
const ROW_WG = 64;

interface Dims {
  B: number;
  H: number;
  T: number;
  S: number;
  dh: number;
}

/** Power of two ≥ S, the size of the per-row probability arrays (part of the shader). */
function keyCapacity(S: number): number {
  let c = 64;
  while (c < S) c *= 2;
  return c;
}

const UNIFORMS = 'nq : i32, nk : i32, nh : i32, scale : f32,';
const uniformData = (d: Dims) => [
  { type: 'int32' as const, data: [d.T] },
  { type: 'int32' as const, data: [d.S] },
  { type: 'int32' as const, data: [d.H] },
  { type: 'float32' as const, data: [1 / Math.sqrt(d.dh)] },
];

/** Shared head of the per-query-row kernels: p[j] = softmax_j(q·k_j·scale + mask) in `p`. */
function queryRowSnippet(dh: number): string {
  return `
      let row = index / ${ROW_WG};
      let lane = index % ${ROW_WG};
      let bh = row / uniforms.nq;
      let t = row % uniforms.nq;
      let b = bh / uniforms.nh;
      let qBase = row * ${dh};
      let kBase = bh * uniforms.nk * ${dh};
      let mBase = (b * uniforms.nq + t) * uniforms.nk;
      var mx = -3.402823e+38;
      for (var j = lane; j < uniforms.nk; j += ${ROW_WG}) {
        var s = 0.0;
        for (var d = 0; d < ${dh}; d++) { s += Q[qBase + d] * K[kBase + j * ${dh} + d]; }
        s = s * uniforms.scale + Mask[mBase + j];
        p[j] = s;
        mx = max(mx, s);
      }
      ${reduceSnippet('rowMax', 'mx', ROW_WG, 'max')}
      var se = 0.0;
      for (var j = lane; j < uniforms.nk; j += ${ROW_WG}) {
        let e = exp(p[j] - rowMax);
        p[j] = e;
        se += e;
      }
      ${reduceSnippet('rowSum', 'se', ROW_WG)}
      for (var j = lane; j < uniforms.nk; j += ${ROW_WG}) { p[j] = p[j] / rowSum; }
      workgroupBarrier();`;
}

function forwardProgram(d: Dims): WgslProgram {
  const cap = keyCapacity(d.S);
  const rows = d.B * d.H * d.T;
  return {
    variableNames: ['Q', 'K', 'V', 'Mask'],
    shaderKey: `distill_attn_fwd_${d.dh}_${cap}`,
    ...rowLayout([d.B, d.H, d.T, d.dh], rows, ROW_WG),
    uniforms: UNIFORMS,
    getUserCode: () => `
    var<workgroup> p : array<f32, ${cap}>;
    ${reductionArrays(ROW_WG, 'rowMax', 'rowSum')}
    fn main(index : i32) {
      ${queryRowSnippet(d.dh)}
      for (var dd = lane; dd < ${d.dh}; dd += ${ROW_WG}) {
        var c = 0.0;
        for (var j = 0; j < uniforms.nk; j++) { c += p[j] * V[kBase + j * ${d.dh} + dd]; }
        result[qBase + dd] = c;
      }
    }`,
  };
}

/**
 * Per query row, with dp_j = dO·v_j and D = Σ_j p_j·dp_j: `stats` writes [logsumexp, D] ([rows, 2]);
 * otherwise dq = scale · Σ_j p_j (dp_j − D) k_j.
 */
function queryGradProgram(d: Dims, stats: boolean): WgslProgram {
  const cap = keyCapacity(d.S);
  const rows = d.B * d.H * d.T;
  const tail = stats
    ? `if (lane == 0) { result[row * 2] = rowMax + log(rowSum); result[row * 2 + 1] = rowD; }`
    : `for (var dd = lane; dd < ${d.dh}; dd += ${ROW_WG}) {
        var c = 0.0;
        for (var j = 0; j < uniforms.nk; j++) { c += p[j] * (dp[j] - rowD) * K[kBase + j * ${d.dh} + dd]; }
        result[qBase + dd] = c * uniforms.scale;
      }`;
  return {
    variableNames: ['Q', 'K', 'V', 'Mask', 'DO'],
    shaderKey: `distill_attn_${stats ? 'stats' : 'dq'}_${d.dh}_${cap}`,
    ...rowLayout(stats ? [rows, 2] : [d.B, d.H, d.T, d.dh], rows, ROW_WG),
    uniforms: UNIFORMS,
    getUserCode: () => `
    var<workgroup> p : array<f32, ${cap}>;
    var<workgroup> dp : array<f32, ${cap}>;
    ${reductionArrays(ROW_WG, 'rowMax', 'rowSum', 'rowD')}
    fn main(index : i32) {
      ${queryRowSnippet(d.dh)}
      var dsum = 0.0;
      for (var j = lane; j < uniforms.nk; j += ${ROW_WG}) {
        var s = 0.0;
        for (var dd = 0; dd < ${d.dh}; dd++) { s += DO[qBase + dd] * V[kBase + j * ${d.dh} + dd]; }
        dp[j] = s;
        dsum += p[j] * s;
      }
      ${reduceSnippet('rowD', 'dsum', ROW_WG)}
      ${tail}
    }`,
  };
}

/**
 * Per key row j: dv_j = Σ_t p_tj·dO_t, or (`key`) dk_j = scale · Σ_t p_tj (dO_t·v_j − D_t) q_t, with
 * p_tj = exp(q_t·k_j·scale + mask_tj − lse_t). Lanes split the queries and keep dh partial sums each.
 */
function keyGradProgram(d: Dims, key: boolean): WgslProgram {
  const wg = d.dh > 64 ? 32 : 64;
  const rows = d.B * d.H * d.S;
  const body = key
    ? `var dpv = 0.0;
          for (var dd = 0; dd < ${d.dh}; dd++) { dpv += DO[qr * ${d.dh} + dd] * V[kRow + dd]; }
          let ds = pt * (dpv - Stats[qr * 2 + 1]);
          for (var dd = 0; dd < ${d.dh}; dd++) { acc[dd] += ds * Q[qr * ${d.dh} + dd]; }`
    : `for (var dd = 0; dd < ${d.dh}; dd++) { acc[dd] += pt * DO[qr * ${d.dh} + dd]; }`;
  return {
    variableNames: key ? ['Q', 'K', 'V', 'Mask', 'DO', 'Stats'] : ['Q', 'K', 'Mask', 'DO', 'Stats'],
    shaderKey: `distill_attn_${key ? 'dk' : 'dv'}_${d.dh}`,
    ...rowLayout([d.B, d.H, d.S, d.dh], rows, wg),
    uniforms: UNIFORMS,
    getUserCode: () => `
    var<workgroup> part : array<f32, ${wg * d.dh}>;
    fn main(index : i32) {
      let row = index / ${wg};
      let lane = index % ${wg};
      let bh = row / uniforms.nk;
      let j = row % uniforms.nk;
      let b = bh / uniforms.nh;
      let kRow = row * ${d.dh};
      var acc : array<f32, ${d.dh}>;
      for (var t = lane; t < uniforms.nq; t += ${wg}) {
        let qr = bh * uniforms.nq + t;
        var s = 0.0;
        for (var dd = 0; dd < ${d.dh}; dd++) { s += Q[qr * ${d.dh} + dd] * K[kRow + dd]; }
        s = s * uniforms.scale + Mask[(b * uniforms.nq + t) * uniforms.nk + j];
        let pt = exp(s - Stats[qr * 2]);
        ${body}
      }
      for (var dd = 0; dd < ${d.dh}; dd++) { part[lane * ${d.dh} + dd] = acc[dd]; }
      workgroupBarrier();
      for (var dd = lane; dd < ${d.dh}; dd += ${wg}) {
        var s = 0.0;
        for (var l = 0; l < ${wg}; l++) { s += part[l * ${d.dh} + dd]; }
        result[kRow + dd] = s${key ? ' * uniforms.scale' : ''};
      }
    }`,
  };
}

/**
 * True where fusedAttention can run for S keys and head size dh: the webgpu backend, a device that
 * allows 7 storage buffers per shader stage (tfjs's default device gets 8), S ≤ 2048, dh ≤ 128.
 */
export function fusedAttentionAvailable(S: number, dh: number): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const limit = (tf.backend() as any).device?.limits?.maxStorageBuffersPerShaderStage ?? 0;
  return limit >= 7 && S <= MAX_KEYS && dh <= MAX_HEAD_DIM;
}

// customGrad's typing takes (...Array<Tensor | GradSaveFunc>); the arguments are as named here.
const fused = tf.customGrad(((
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  mask: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  const [B, H, T, dh] = q.shape as number[];
  const d: Dims = { B, H, T, S: k.shape[2] as number, dh };
  save([q, k, v, mask]);
  return {
    value: runProgram(forwardProgram(d), [q, k, v, mask], uniformData(d)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sq, sk, sv, sm] = saved;
      const dO = dy as tf.Tensor;
      const u = uniformData(d);
      const stats = runProgram(queryGradProgram(d, true), [sq, sk, sv, sm, dO], u);
      const dq = runProgram(queryGradProgram(d, false), [sq, sk, sv, sm, dO], u);
      const dk = runProgram(keyGradProgram(d, true), [sq, sk, sv, sm, dO, stats], u);
      const dv = runProgram(keyGradProgram(d, false), [sq, sk, sm, dO, stats], u);
      // The mask is a constant: host-side zeros, no dispatch unless something reads them.
      return [dq, dk, dv, tf.tensor(new Float32Array(sm.size), sm.shape)];
    },
  };
}) as any);

/**
 * softmax(q·kᵀ/√dh + mask)·v as TransformerLM.forward computes it (before the heads are merged back):
 * q [B, H, T, dh], k and v [B, H, S, dh], mask [B, 1, T, S] additive → ctx [B, H, T, dh].
 * Check fusedAttentionAvailable(S, dh) first.
 */
export function fusedAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask: tf.Tensor4D,
): tf.Tensor4D {
  return fused(q, k, v, mask) as tf.Tensor4D;
}
