import { argmax } from '../../../metrics/distributions.ts';
import { tf } from '../../engine/tf.ts';
import type { TransformerLM } from '../../models/transformer.ts';
import { leftPadInput, promptIds } from '../../text/batch.ts';
import { type CharTokenizer, EOS } from '../../text/tokenizer.ts';

/**
 * Greedy decoding from several models' combined next-token distribution: every step runs each model
 * on the same left-padded prefixes (no KV cache; sequences are short) and picks
 * argmax_v mean_k p_k(v) ('mean') or argmax_v mean_k log p_k(v) ('product', a product of experts).
 * Returns the responses and the forward tokens each model spent.
 */
export async function aggregateGreedy(
  models: TransformerLM[],
  tok: CharTokenizer,
  prompts: string[],
  opts: { maxNewTokens: number; combine: 'mean' | 'product'; batchSize?: number },
): Promise<{ texts: string[]; forwardTokens: number }> {
  const maxLen = Math.min(...models.map((m) => m.config.maxLen));
  const V = models[0].config.vocabSize;
  const bs = opts.batchSize ?? 64;
  const texts: string[] = [];
  let forwardTokens = 0;
  for (let start = 0; start < prompts.length; start += bs) {
    const chunk = prompts.slice(start, start + bs);
    const seqs = chunk.map((p) => promptIds(tok, p, maxLen));
    const gen: number[][] = chunk.map(() => []);
    const done = new Uint8Array(chunk.length);
    const budget = Math.max(0, Math.min(opts.maxNewTokens, maxLen - Math.max(...seqs.map((s) => s.length))));
    for (let step = 0; step < budget && !done.every((d) => d === 1); step++) {
      const input = leftPadInput(seqs);
      const { batch: B, length: T } = input;
      const rows = Array.from({ length: B }, (_, b) => b * T + T - 1);
      const perModel: Float32Array[] = [];
      for (const m of models) {
        const lp = tf.tidy(() => tf.logSoftmax(tf.gather(m.forward(input).logits, rows)));
        perModel.push((await lp.data().finally(() => lp.dispose())) as Float32Array);
      }
      forwardTokens += models.length * seqs.reduce((n, s) => n + s.length, 0);
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const best = argmaxCombined(
          perModel.map((lp) => lp.subarray(b * V, (b + 1) * V)),
          opts.combine,
        );
        gen[b].push(best);
        seqs[b].push(best);
        if (best === EOS) done[b] = 1;
      }
    }
    texts.push(...gen.map((g) => tok.decode(g)));
  }
  return { texts, forwardTokens };
}

/**
 * The combined score of each token from the models' log-probabilities: log mean_k p_k(v) for 'mean'
 * (a mixture: a token one teacher is sure of can win), mean_k log p_k(v) for 'product' (a product of
 * experts: one teacher ruling a token out vetoes it).
 */
export function combineLogProbs(logProbs: ArrayLike<number>[], combine: 'mean' | 'product'): Float64Array {
  const V = logProbs[0].length;
  const K = logProbs.length;
  const out = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    if (combine === 'product') {
      let s = 0;
      for (const lp of logProbs) s += lp[v];
      out[v] = s / K;
    } else {
      let mx = -Infinity;
      for (const lp of logProbs) mx = Math.max(mx, lp[v]);
      let s = 0;
      for (const lp of logProbs) s += Math.exp(lp[v] - mx);
      out[v] = mx === -Infinity ? -Infinity : mx + Math.log(s / K);
    }
  }
  return out;
}

/** Greedy choice under the combined distribution (lowest id wins ties). */
export function argmaxCombined(logProbs: ArrayLike<number>[], combine: 'mean' | 'product'): number {
  return argmax(combineLogProbs(logProbs, combine));
}
