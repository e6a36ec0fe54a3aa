import { Rng } from '../engine/rng.ts';
import { tf, uniqueVariableName } from '../engine/tf.ts';
import { UsageError } from '../errors.ts';
import type { ModelConfig } from './config.ts';
import type { Adapter } from './layers.ts';
import { LINEARS, type TransformerLM } from './transformer.ts';

/**
 * LoRA (Hu et al. 2021) on a frozen TransformerLM: every adapted linear map W [in, out] gets
 * y += (x·A·B)·(alpha/r) with A [in, r] Gaussian and B [r, out] zero, so the adapted model starts out
 * computing exactly what the base computes. The base weights are never in the optimizer's variable
 * list (the caller trains `loraVariables`), which is what "frozen" means here.
 */
export interface LoraOptions {
  rank: number;
  alpha: number;
  /** Seeds A; the same seed gives the same adapters. */
  seed: string;
}

/** Adapted linear maps of one layer: attention q, k, v, o and both FFN matrices (all of them). */
export const LORA_TARGETS = LINEARS;

/** [d_in, d_out] of each adapted map of a layer, from the architecture alone. */
export function loraShapes(c: ModelConfig): Record<(typeof LORA_TARGETS)[number], [number, number]> {
  const D = c.dModel;
  return {
    'attn.q': [D, D],
    'attn.k': [D, D],
    'attn.v': [D, D],
    'attn.o': [D, D],
    'mlp.fc1': [D, c.dFF],
    'mlp.fc2': [c.dFF, D],
  };
}

/** Trainable LoRA parameters: Σ over layers and adapted maps of r·(d_in + d_out). */
export function loraParameterCount(c: ModelConfig, rank: number): number {
  const perLayer = Object.values(loraShapes(c)).reduce((n, [i, o]) => n + rank * (i + o), 0);
  return c.layers * perLayer;
}

/**
 * A rank above min(d_in, d_out) of some adapted map is no longer low-rank: A·B cannot have that rank
 * and the adapter only costs more than full fine-tuning. Thrown as a UsageError naming the option.
 */
export function checkLoraRank(c: ModelConfig, rank: number, option = 'rank'): void {
  const limit = Math.min(...Object.values(loraShapes(c)).flat());
  if (rank > limit) {
    throw new UsageError(
      `option '${option}' = ${rank} is larger than the smallest dimension of an adapted matrix of the ` +
        `student (${limit}: dModel ${c.dModel}, dFF ${c.dFF}). Fix: set ${option} to at most ${limit} ` +
        '(LoRA ranks are usually 1-64 and well below dModel).',
      { field: option },
    );
  }
}

/** Attaches fresh adapters to every layer's q, k, v, o, fc1, fc2 of `model`; returns their variables. */
export function injectLora(model: TransformerLM, opts: LoraOptions): tf.Variable[] {
  checkLoraRank(model.config, opts.rank);
  if (model.adapters.size > 0) throw new Error('injectLora: the model already has adapters');
  const rng = new Rng(`lora:${opts.seed}`);
  const shapes = loraShapes(model.config);
  // PEFT's "gaussian" init: A ~ N(0, 1/r). B = 0 makes the initial update exactly zero.
  const std = 1 / opts.rank;
  for (let l = 0; l < model.config.layers; l++) {
    for (const target of LORA_TARGETS) {
      const [din, dout] = shapes[target];
      const a = Float32Array.from({ length: din * opts.rank }, () => rng.normal() * std);
      const name = `l${l}.${target}`;
      const adapter: Adapter = {
        A: tf.variable(tf.tensor2d(a, [din, opts.rank]), true, uniqueVariableName(`${name}.lora_A`)),
        B: tf.variable(tf.zeros([opts.rank, dout]), true, uniqueVariableName(`${name}.lora_B`)),
        scale: opts.alpha / opts.rank,
      };
      model.adapters.set(name, adapter);
    }
  }
  return loraVariables(model);
}

export function loraVariables(model: TransformerLM): tf.Variable[] {
  return [...model.adapters.values()].flatMap((a) => [a.A, a.B]);
}

/**
 * Folds every adapter into its base weight (W += scale·A·B) and removes the adapters, so the result is
 * a plain TransformerLM: evaluation, generation and checkpoints (which store `weights` only) all see
 * the adapted model without knowing about LoRA.
 */
export function mergeLora(model: TransformerLM): void {
  for (const [name, a] of model.adapters) {
    const w = model.weights.get(`${name}.w`);
    if (!w) throw new Error(`mergeLora: no weight '${name}.w'`);
    tf.tidy(() => w.assign(tf.add(w, tf.mul(tf.matMul(a.A, a.B), a.scale))));
    tf.dispose([a.A, a.B]);
  }
  model.adapters.clear();
}
