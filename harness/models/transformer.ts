import { Rng } from '../engine/rng.ts';
import { tf, uniqueVariableName } from '../engine/tf.ts';
import { type ModelConfig, parameterCount, validateModelConfig } from './config.ts';
import { type Adapter, gelu, layerNorm, linear, maskedSoftmax, sinusoidalTable } from './layers.ts';

/**
 * A batch as the model sees it: row-major [batch, length] token ids, absolute position ids and a key
 * mask (1 = real token, 0 = padding). Sequences are left-padded so that the last column is always the
 * newest token, which lets batched generation append one column at a time.
 */
export interface ModelInput {
  tokens: Int32Array;
  positions: Int32Array;
  keyMask: Float32Array;
  batch: number;
  length: number;
}

/** Keys and values of earlier positions, per layer, for incremental decoding. */
export interface KVCache {
  k: tf.Tensor[];
  v: tf.Tensor[];
  keyMask: Float32Array;
  length: number;
}

export interface ForwardOutput {
  /** [batch·length, vocab] */
  logits: tf.Tensor2D;
  /** Residual stream after each layer, [batch·length, dModel] each (for CKA and projection KD). */
  hidden: tf.Tensor2D[];
  /** Keys/values of this call appended to the cache's (only when a cache was given). */
  cache?: KVCache;
}

/** The linear maps of every layer (LoRA attaches to these). */
export const LINEARS = ['attn.q', 'attn.k', 'attn.v', 'attn.o', 'mlp.fc1', 'mlp.fc2'] as const;

/** Additive attention mask [batch, 1, queries, keys]: causal and key padding, -1e9 where blocked. */
function attentionMask(keyMask: Float32Array, batch: number, past: number, q: number): tf.Tensor4D {
  const k = past + q;
  const out = new Float32Array(batch * q * k);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < q; i++) {
      const row = (b * q + i) * k;
      for (let j = 0; j < k; j++) {
        out[row + j] = j <= past + i && keyMask[b * k + j] > 0 ? 0 : -1e9;
      }
    }
  }
  return tf.tensor4d(out, [batch, 1, q, k]);
}

export class TransformerLM {
  readonly config: ModelConfig;
  /** Every weight by name, in creation order (checkpoints and optimizers iterate this). */
  readonly weights = new Map<string, tf.Variable>();
  /** LoRA adapters by linear-layer name, e.g. 'l0.attn.q' (see lora.ts). */
  readonly adapters = new Map<string, Adapter>();
  private readonly posTable?: tf.Tensor2D;

  constructor(config: ModelConfig, seed: number | string) {
    this.config = validateModelConfig(config);
    const { vocabSize: V, dModel: D, layers: L, dFF: F, maxLen: T } = this.config;
    const rng = new Rng(`init:${seed}`);
    // GPT-2 style init: N(0, 0.02), output projections scaled by 1/sqrt(2L), zeros for biases.
    const normal = (name: string, shape: number[], std = 0.02) => {
      const n = shape.reduce((a, b) => a * b, 1);
      this.add(
        name,
        tf.tensor(
          Float32Array.from({ length: n }, () => rng.normal() * std),
          shape,
        ),
      );
    };
    const fill = (name: string, shape: number[], v: number) => this.add(name, tf.fill(shape, v));
    normal('tok_emb', [V, D]);
    if (this.config.positions === 'learned') normal('pos_emb', [T, D], 0.01);
    else this.posTable = tf.keep(tf.tensor2d(sinusoidalTable(T, D), [T, D]));
    const residualStd = 0.02 / Math.sqrt(2 * L);
    for (let l = 0; l < L; l++) {
      const p = `l${l}.`;
      fill(`${p}ln1.g`, [D], 1);
      fill(`${p}ln1.b`, [D], 0);
      for (const n of ['q', 'k', 'v', 'o']) {
        normal(`${p}attn.${n}.w`, [D, D], n === 'o' ? residualStd : 0.02);
        fill(`${p}attn.${n}.b`, [D], 0);
      }
      fill(`${p}ln2.g`, [D], 1);
      fill(`${p}ln2.b`, [D], 0);
      normal(`${p}mlp.fc1.w`, [D, F]);
      fill(`${p}mlp.fc1.b`, [F], 0);
      normal(`${p}mlp.fc2.w`, [F, D], residualStd);
      fill(`${p}mlp.fc2.b`, [D], 0);
    }
    fill('ln_f.g', [D], 1);
    fill('ln_f.b', [D], 0);
    normal('head.w', [D, V]);
    fill('head.b', [V], 0);
  }

  private add(name: string, value: tf.Tensor): void {
    this.weights.set(name, tf.variable(value, true, uniqueVariableName(name)));
    value.dispose();
  }

  /** Names of the linear maps LoRA can attach to. */
  linearNames(): string[] {
    return Array.from({ length: this.config.layers }, (_, l) => LINEARS.map((n) => `l${l}.${n}`)).flat();
  }

  parameterCount(): number {
    return parameterCount(this.config);
  }

  trainableVariables(): tf.Variable[] {
    const adapterVars = [...this.adapters.values()].flatMap((a) => [a.A, a.B]);
    return [...[...this.weights.values()].filter((v) => v.trainable), ...adapterVars];
  }

  private w(name: string): tf.Variable {
    return this.weights.get(name)!;
  }

  private lin(x: tf.Tensor, name: string): tf.Tensor {
    return linear(x, this.w(`${name}.w`), this.w(`${name}.b`), this.adapters.get(name));
  }

  /** Must run inside tf.tidy (or a gradient tape); returned tensors belong to the caller's scope. */
  forward(input: ModelInput, opts: { cache?: KVCache } = {}): ForwardOutput {
    const { dModel: D, heads: H, layers: L } = this.config;
    const { batch: B, length: T } = input;
    const dh = D / H;
    const past = opts.cache?.length ?? 0;
    const tokens = tf.tensor1d(input.tokens, 'int32');
    const positions = tf.tensor1d(input.positions, 'int32');
    const posEmb = this.posTable
      ? tf.gather(this.posTable, positions)
      : tf.gather(this.w('pos_emb'), positions);
    let x = tf.add(tf.gather(this.w('tok_emb'), tokens), posEmb) as tf.Tensor2D;
    const fullMask = opts.cache ? concatMask(opts.cache.keyMask, input.keyMask, B, past, T) : input.keyMask;
    const mask = attentionMask(fullMask, B, past, T);
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, H, dh]), [0, 2, 1, 3]);
    const hidden: tf.Tensor2D[] = [];
    const newK: tf.Tensor[] = [];
    const newV: tf.Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const p = `l${l}.`;
      const h = layerNorm(x, this.w(`${p}ln1.g`), this.w(`${p}ln1.b`));
      let k = heads(this.lin(h, `${p}attn.k`));
      let v = heads(this.lin(h, `${p}attn.v`));
      if (opts.cache) {
        k = tf.concat([opts.cache.k[l], k], 2);
        v = tf.concat([opts.cache.v[l], v], 2);
      }
      newK.push(k);
      newV.push(v);
      const q = heads(this.lin(h, `${p}attn.q`));
      const att = maskedSoftmax(tf.matMul(q, k, false, true), mask, 1 / Math.sqrt(dh));
      const ctx = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, D]);
      x = tf.add(x, this.lin(ctx, `${p}attn.o`)) as tf.Tensor2D;
      const h2 = layerNorm(x, this.w(`${p}ln2.g`), this.w(`${p}ln2.b`));
      x = tf.add(x, this.lin(gelu(this.lin(h2, `${p}mlp.fc1`)), `${p}mlp.fc2`)) as tf.Tensor2D;
      hidden.push(x);
    }
    const logits = this.lin(layerNorm(x, this.w('ln_f.g'), this.w('ln_f.b')), 'head') as tf.Tensor2D;
    const cache = opts.cache ? { k: newK, v: newV, keyMask: fullMask, length: past + T } : undefined;
    return { logits, hidden, cache };
  }

  /** Starts an empty cache for incremental decoding of `batch` rows. */
  emptyCache(batch: number): KVCache {
    const { heads: H, dModel: D, layers: L } = this.config;
    const empty = () => tf.keep(tf.zeros([batch, H, 0, D / H]));
    return {
      k: Array.from({ length: L }, empty),
      v: Array.from({ length: L }, empty),
      keyMask: new Float32Array(0),
      length: 0,
    };
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    for (const a of this.adapters.values()) tf.dispose([a.A, a.B]);
    this.posTable?.dispose();
  }
}

/** Key mask of a cache extended by the new columns, [batch, past + t]. */
export function concatMask(
  past: Float32Array,
  cur: Float32Array,
  batch: number,
  p: number,
  t: number,
): Float32Array {
  const out = new Float32Array(batch * (p + t));
  for (let b = 0; b < batch; b++) {
    out.set(past.subarray(b * p, (b + 1) * p), b * (p + t));
    out.set(cur.subarray(b * t, (b + 1) * t), b * (p + t) + p);
  }
  return out;
}

export function disposeCache(cache: KVCache | undefined): void {
  if (cache) tf.dispose([...cache.k, ...cache.v]);
}
