import { UsageError } from '../errors.ts';

export const PAD = 0;
export const BOS = 1;
export const SEP = 2;
export const EOS = 3;
export const UNK = 4;
const SPECIALS = ['<pad>', '<bos>', '<sep>', '<eos>', '<unk>'];

/**
 * Character-level tokenizer. One vocabulary per suite, shared by every model in it, built from the
 * characters of the task's data; ids 0-4 are PAD, BOS, SEP (prompt/response boundary), EOS, UNK.
 */
export class CharTokenizer {
  readonly chars: string[];
  private readonly index = new Map<string, number>();

  constructor(chars: Iterable<string>) {
    this.chars = [...new Set(chars)].sort();
    this.chars.forEach((c, i) => this.index.set(c, i + SPECIALS.length));
  }

  static fromTexts(texts: Iterable<string>): CharTokenizer {
    const chars = new Set<string>();
    for (const t of texts) for (const c of t) chars.add(c);
    return new CharTokenizer(chars);
  }

  get vocabSize(): number {
    return SPECIALS.length + this.chars.length;
  }

  encode(text: string): number[] {
    return Array.from(text, (c) => this.index.get(c) ?? UNK);
  }

  /** Decodes ids, stopping at EOS and skipping other special tokens. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS) break;
      if (id >= SPECIALS.length) out += this.chars[id - SPECIALS.length];
    }
    return out;
  }

  /** `BOS prompt SEP` and `response EOS`, the two halves of a training sequence. */
  encodePair(prompt: string, response: string): { prompt: number[]; response: number[] } {
    return { prompt: [BOS, ...this.encode(prompt), SEP], response: [...this.encode(response), EOS] };
  }

  toJSON(): { chars: string[] } {
    return { chars: this.chars };
  }

  equals(other: CharTokenizer): boolean {
    return this.chars.length === other.chars.length && this.chars.every((c, i) => c === other.chars[i]);
  }
}

/** Two models of one suite must share a vocabulary; say exactly how they differ. */
export function assertSameVocabulary(a: CharTokenizer, b: CharTokenizer, what: [string, string]): void {
  if (a.equals(b)) return;
  const onlyA = a.chars.filter((c) => !b.chars.includes(c));
  const onlyB = b.chars.filter((c) => !a.chars.includes(c));
  throw new UsageError(
    `vocabulary mismatch between ${what[0]} (${a.vocabSize} tokens) and ${what[1]} (${b.vocabSize} tokens): ` +
      `only in ${what[0]}: ${JSON.stringify(onlyA.join(''))}, only in ${what[1]}: ${JSON.stringify(onlyB.join(''))}. ` +
      'Fix: build both from the same suite (one tokenizer per suite), or retrain the mismatched model.',
    { field: 'vocabulary' },
  );
}

/**
 * The suite vocabulary: printable ASCII. Fixed rather than built from each task's data so that every
 * model of every suite shares it (teacher caches are reusable across suites and seeds, and a mismatch
 * can only come from a foreign checkpoint); tasks emit ASCII only. Costs ~60 extra logits per token.
 */
export function asciiTokenizer(): CharTokenizer {
  return new CharTokenizer(Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
}
