import { tf } from '../engine/tf.ts';
import type { TransformerLM } from '../models/transformer.ts';
import { encodeExample, leftPad } from './batch.ts';
import type { CharTokenizer } from './tokenizer.ts';

export interface ForcedOutput {
  /** Log-probabilities [responseTokens × vocab] (row-major), at each response position. */
  logProbs: Float32Array;
  /** The response ids being predicted (including the final EOS). */
  targets: number[];
  /** Hidden states of the requested layer at the same positions [responseTokens × dModel]. */
  hidden?: Float32Array;
}

/**
 * Teacher-forced next-token distributions on given prompt/response pairs: what soft-label KD, RSE's
 * token-level agreement and CKA need. Runs in batches, returns plain arrays (metrics stay tfjs-free).
 */
export async function teacherForced(
  model: TransformerLM,
  tok: CharTokenizer,
  pairs: { prompt: string; response: string }[],
  opts: { temperature?: number; batchSize?: number; hiddenLayer?: number } = {},
): Promise<ForcedOutput[]> {
  const V = model.config.vocabSize;
  const D = model.config.dModel;
  const T = opts.temperature ?? 1;
  const bs = opts.batchSize ?? 64;
  const out: ForcedOutput[] = [];
  for (let start = 0; start < pairs.length; start += bs) {
    const enc = pairs.slice(start, start + bs).map((p) => encodeExample(tok, p.prompt, p.response));
    const batch = leftPad(
      enc.map((e) => e.seq),
      enc.map((e) => e.lossFrom),
      model.config.maxLen,
    );
    const res = tf.tidy(() => {
      const r = model.forward(batch);
      const logp = tf.logSoftmax(tf.div(r.logits, T));
      return opts.hiddenLayer === undefined ? [logp] : [logp, r.hidden[opts.hiddenLayer]];
    });
    const [lp, hid] = (await Promise.all(res.map((t) => t.data())).finally(() => tf.dispose(res))) as [
      Float32Array,
      Float32Array | undefined,
    ];
    for (let b = 0; b < batch.batch; b++) {
      const rows: number[] = [];
      for (let i = 0; i < batch.length; i++)
        if (batch.lossMask[b * batch.length + i] > 0) rows.push(b * batch.length + i);
      const logProbs = new Float32Array(rows.length * V);
      const hidden = hid ? new Float32Array(rows.length * D) : undefined;
      rows.forEach((r, j) => {
        logProbs.set(lp.subarray(r * V, (r + 1) * V), j * V);
        hidden?.set(hid!.subarray(r * D, (r + 1) * D), j * D);
      });
      out.push({ logProbs, targets: rows.map((r) => batch.targets[r]), hidden });
    }
  }
  return out;
}
