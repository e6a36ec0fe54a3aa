import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';
import { concatMask, disposeCache, type KVCache, type TransformerLM } from '../models/transformer.ts';
import { leftPadInput, promptIds } from './batch.ts';
import { type CharTokenizer, EOS } from './tokenizer.ts';

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 (default) = greedy; otherwise sample from softmax(logits / temperature). */
  temperature?: number;
  /** Sample only among the k most likely tokens (0 = all). */
  topK?: number;
  /** Seed of the sampling stream (ignored when greedy). */
  seed?: number | string;
  batchSize?: number;
}

export interface Generation {
  text: string;
  /** Generated ids, including the EOS that ended the response when there was one. */
  ids: number[];
}

function pick(row: Float32Array, temperature: number, topK: number, rng: Rng): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v] > row[best]) best = v;
  if (temperature <= 0) return best;
  const order = Array.from(row.keys());
  if (topK > 0 && topK < row.length) order.sort((a, b) => row[b] - row[a] || a - b).splice(topK);
  const weights = order.map((v) => Math.exp((row[v] - row[best]) / temperature));
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < order.length; i++) {
    u -= weights[i];
    if (u <= 0) return order[i];
  }
  return order[order.length - 1];
}

/**
 * Batched autoregressive decoding with a key/value cache: prompts are left-padded, prefilled once,
 * then one column is appended per step until every row produced EOS or the budget runs out.
 */
export async function generate(
  model: TransformerLM,
  tok: CharTokenizer,
  prompts: string[],
  opts: GenerateOptions,
): Promise<Generation[]> {
  const out: Generation[] = [];
  const bs = opts.batchSize ?? 64;
  const rng = new Rng(`sample:${opts.seed ?? 0}`);
  for (let start = 0; start < prompts.length; start += bs) {
    out.push(...(await generateChunk(model, tok, prompts.slice(start, start + bs), opts, rng)));
  }
  return out;
}

async function generateChunk(
  model: TransformerLM,
  tok: CharTokenizer,
  prompts: string[],
  opts: GenerateOptions,
  rng: Rng,
): Promise<Generation[]> {
  const B = prompts.length;
  const maxLen = model.config.maxLen;
  const enc = prompts.map((p) => promptIds(tok, p, maxLen));
  let input = leftPadInput(enc);
  const budget = Math.max(0, Math.min(opts.maxNewTokens, maxLen - input.length));
  const nextPos = Int32Array.from(enc, (e) => e.length);
  const ids: number[][] = prompts.map(() => []);
  const done = new Uint8Array(B);
  let cache: KVCache | undefined = model.emptyCache(B);
  try {
    for (let step = 0; step < budget; step++) {
      const prev: KVCache = cache!;
      const T = input.length;
      // Typed arrays must not be returned from tidy (it would walk every element looking for tensors).
      const res = tf.tidy(() => {
        const r = model.forward(input, { cache: prev });
        const rows = Array.from({ length: B }, (_, b) => b * T + T - 1);
        return { lastRows: tf.gather(r.logits, rows), k: r.cache!.k, v: r.cache!.v };
      });
      // Async read: webgpu in Node has no synchronous readback (docs/methodology.md#reading-tensors-back).
      const last = (await res.lastRows.data().finally(() => res.lastRows.dispose())) as Float32Array;
      const next: KVCache = {
        k: res.k,
        v: res.v,
        keyMask: concatMask(prev.keyMask, input.keyMask, B, prev.length, T),
        length: prev.length + T,
      };
      disposeCache(prev);
      cache = next;
      const V = model.config.vocabSize;
      const chosen = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        chosen[b] = done[b]
          ? EOS
          : pick(last.subarray(b * V, (b + 1) * V), opts.temperature ?? 0, opts.topK ?? 0, rng);
        if (!done[b]) {
          ids[b].push(chosen[b]);
          if (chosen[b] === EOS) done[b] = 1;
        }
      }
      if (done.every((d) => d === 1)) break;
      const positionsNext = nextPos.map((p) => Math.min(p + step, maxLen - 1));
      input = {
        tokens: chosen,
        positions: positionsNext,
        keyMask: new Float32Array(B).fill(1),
        batch: B,
        length: 1,
      };
    }
  } finally {
    disposeCache(cache);
  }
  return ids.map((g) => ({ text: tok.decode(g), ids: g }));
}
