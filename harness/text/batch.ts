import type { ModelInput } from '../models/transformer.ts';
import { BOS, PAD, SEP } from './tokenizer.ts';

/** A training batch: the model input plus next-token targets and a weight per target position. */
export interface TrainBatch extends ModelInput {
  /** Next-token target at every position [batch·length] (PAD where there is none). */
  targets: Int32Array;
  /** 1 where the target is a response token (or EOS), else 0: loss only on responses. */
  lossMask: Float32Array;
  /** Number of positions with lossMask = 1. */
  lossTokens: number;
}

/**
 * Left-pads sequences to a common length so the newest token is always the last column.
 * `lossFrom[i]` is the index in sequence i of the first token whose *prediction* is scored
 * (the first response token); everything before it only conditions.
 */
export function leftPad(seqs: number[][], lossFrom: number[], maxLen: number): TrainBatch {
  const B = seqs.length;
  // A sequence of n tokens gives n-1 (input, target) pairs: the input drops the final token.
  const T = Math.min(maxLen, Math.max(...seqs.map((s) => s.length - 1)));
  const tokens = new Int32Array(B * T).fill(PAD);
  const positions = new Int32Array(B * T);
  const keyMask = new Float32Array(B * T);
  const targets = new Int32Array(B * T).fill(PAD);
  const lossMask = new Float32Array(B * T);
  let lossTokens = 0;
  for (let b = 0; b < B; b++) {
    // Over-long sequences keep their end (the response), dropping the start of the prompt.
    const full = seqs[b];
    const cut = Math.max(0, full.length - 1 - T);
    const s = full.slice(cut);
    const n = s.length - 1;
    const offset = T - n;
    for (let i = 0; i < n; i++) {
      const at = b * T + offset + i;
      tokens[at] = s[i];
      positions[at] = i;
      keyMask[at] = 1;
      targets[at] = s[i + 1];
      if (i + 1 + cut >= lossFrom[b]) {
        lossMask[at] = 1;
        lossTokens++;
      }
    }
  }
  return { tokens, positions, keyMask, batch: B, length: T, targets, lossMask, lossTokens };
}

/**
 * Left-pads id sequences being decoded (prompts, or prompts plus what was generated so far) into a
 * model input, so every row's newest token is the last column; positions count from each row's start.
 */
export function leftPadInput(seqs: readonly number[][]): ModelInput {
  const B = seqs.length;
  const T = Math.max(...seqs.map((s) => s.length));
  const tokens = new Int32Array(B * T).fill(PAD);
  const positions = new Int32Array(B * T);
  const keyMask = new Float32Array(B * T);
  seqs.forEach((s, b) =>
    s.forEach((id, i) => {
      const at = b * T + T - s.length + i;
      tokens[at] = id;
      positions[at] = i;
      keyMask[at] = 1;
    }),
  );
  return { tokens, positions, keyMask, batch: B, length: T };
}

/** `BOS prompt SEP`, cut to its end so at least one token can still be generated within `maxLen`. */
export function promptIds(tok: { encode(s: string): number[] }, prompt: string, maxLen: number): number[] {
  return [BOS, ...tok.encode(prompt), SEP].slice(-(maxLen - 1));
}

/** `BOS prompt SEP response EOS` as one id sequence, and where its response starts. */
export function encodeExample(
  tok: { encodePair(p: string, r: string): { prompt: number[]; response: number[] } },
  prompt: string,
  response: string,
): { seq: number[]; lossFrom: number } {
  const pair = tok.encodePair(prompt, response);
  return { seq: [...pair.prompt, ...pair.response], lossFrom: pair.prompt.length };
}
