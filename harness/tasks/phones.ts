import type { Rng } from '../engine/rng.ts';

/**
 * ARPABET phones as single characters, so a 3-word phrase's pronunciation fits a ~90-character
 * context. Fixed table (changing it changes every generated prompt):
 *
 *   consonants spelled with one ARPABET letter keep it:  P B T D K G F V S Z M N L R W Y
 *   HH H   CH C   JH J        two-letter fricatives and NG are the lowercase first letter:
 *                             TH t   DH d   SH s   ZH z   NG g
 *   vowels:  AA a  AE x  AH u  AO o  AW w  AY y  EH e  ER r  EY j  IH i  IY I  OW O  OY q  UH h  UW U
 *
 * With stress kept, a vowel's stress digit (0-2) follows its character.
 */
// biome-ignore format: a table reads better aligned
export const PHONE_CHAR: Readonly<Record<string, string>> = {
  P: 'P', B: 'B', T: 'T', D: 'D', K: 'K', G: 'G', F: 'F', V: 'V', S: 'S', Z: 'Z', M: 'M', N: 'N',
  L: 'L', R: 'R', W: 'W', Y: 'Y', HH: 'H', CH: 'C', JH: 'J', TH: 't', DH: 'd', SH: 's', ZH: 'z', NG: 'g',
  AA: 'a', AE: 'x', AH: 'u', AO: 'o', AW: 'w', AY: 'y', EH: 'e', ER: 'r', EY: 'j', IH: 'i', IY: 'I',
  OW: 'O', OY: 'q', UH: 'h', UW: 'U',
};

/**
 * Confusion groups of the acoustic channel: a substitution replaces a phone by another member of its
 * group. Every phone is in a group of at least two, so the configured substitution rate is exactly
 * the rate per phone. AH and IH sit in different groups on purpose: the two CMUdict releases differ
 * mostly by AH0 -> IH0 in "-ed" endings, and noise must not blur that disagreement.
 */
// biome-ignore format: one line per articulation class
export const CONFUSION_GROUPS: readonly (readonly string[])[] = [
  ['P', 'B'], ['T', 'D'], ['K', 'G'], // stops, voiceless/voiced
  ['F', 'V'], ['TH', 'DH'], ['S', 'Z'], ['SH', 'ZH'], ['CH', 'JH'], // fricatives, affricates
  ['M', 'N', 'NG'], ['L', 'R'], ['W', 'Y', 'HH'], // nasals, liquids, glides and aspiration
  ['IY', 'IH'], ['EH', 'AE', 'EY'], ['AH', 'ER'], ['AA', 'AO'], ['UW', 'UH'], ['OW', 'AW'], ['AY', 'OY'],
];

const GROUP_OF = new Map<string, readonly string[]>();
for (const g of CONFUSION_GROUPS) for (const p of g) GROUP_OF.set(p, g);

export interface ChannelRates {
  subRate: number;
  delRate: number;
}

export type ChannelOp = 'keep' | 'sub' | 'del';

export interface ChannelOutput {
  /** Output phones (ARPABET, stress digits carried over from the input phone). */
  phones: string[];
  /** What happened to each input phone, aligned with the input. */
  ops: ChannelOp[];
}

/**
 * The noisy channel: each phone independently is deleted with probability delRate, else replaced by
 * a confusable phone with probability subRate, else kept (one uniform draw per phone, so the rates are
 * exact per input phone and the draws line up across pronunciation variants of equal length).
 */
export function noisyChannel(phones: readonly string[], rates: ChannelRates, rng: Rng): ChannelOutput {
  const out: string[] = [];
  const ops: ChannelOp[] = [];
  for (const ph of phones) {
    const u = rng.next();
    const v = rng.next();
    if (u < rates.delRate) {
      ops.push('del');
      continue;
    }
    if (u < rates.delRate + rates.subRate) {
      const base = ph.replace(/[0-2]$/, '');
      const stress = ph.slice(base.length);
      const others = GROUP_OF.get(base)!.filter((p) => p !== base);
      out.push(others[Math.floor(v * others.length)] + stress);
      ops.push('sub');
      continue;
    }
    out.push(ph);
    ops.push('keep');
  }
  return { phones: out, ops };
}

/** Characters of a phone sequence under PHONE_CHAR (stress digits, when present, pass through). */
export function encodePhones(phones: readonly string[]): string {
  let s = '';
  for (const ph of phones) {
    const base = ph.replace(/[0-2]$/, '');
    const ch = PHONE_CHAR[base];
    if (ch === undefined) throw new Error(`unknown ARPABET phone '${ph}'`);
    s += ch + ph.slice(base.length);
  }
  return s;
}
