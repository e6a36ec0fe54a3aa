/**
 * Word -> integer id interning for the edit-distance hot loop. It scans the raw line once, hashing
 * each token's UTF-16 units as it goes, and looks the token up in an open-addressing table by hash
 * plus `startsWith` at its position, so no substring is created for words already seen. In
 * bench/metrics.ts this made corpus WER about 3x faster than regex normalisation + split(' ') + Map.
 *
 * The token rules are exactly those of tokenizers.ts (checked against them in word-ids.test.ts):
 *   - 'jiwer': jiwer's default transform, i.e. collapse `\s\s+` to ' ', strip, split on ' '. So a run
 *     of whitespace separates when it is 2+ characters long, a single ' ', or at either end; a single
 *     other whitespace character between two non-spaces (a tab, U+0085, ...) is part of the word;
 *   - 'ws': Python's `str.split()`: every whitespace run separates.
 * Whitespace is Python's (str.isspace), as in tokenizers.ts.
 */

export function isPyWhitespace(c: number): boolean {
  if (c > 0x20 && c < 0x85) return false;
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x1f) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

export class WordIds {
  private keys: string[] = [];
  private hashes = new Int32Array(1 << 12);
  private slots = new Int32Array(1 << 12).fill(-1);
  private words: string[] = [];

  get size(): number {
    return this.words.length;
  }

  word(id: number): string {
    return this.words[id];
  }

  clear(): void {
    this.keys = [];
    this.words = [];
    this.hashes = new Int32Array(1 << 12);
    this.slots = new Int32Array(1 << 12).fill(-1);
  }

  /**
   * Writes the ids of `s`'s tokens into `out` and returns how many. `out` must hold at least
   * `s.length` entries (a token is at least one character).
   */
  encode(s: string, mode: 'jiwer' | 'ws', out: Int32Array): number {
    const len = s.length;
    let n = 0;
    let start = -1;
    let h = FNV_OFFSET;
    let i = 0;
    while (i < len) {
      const c = s.charCodeAt(i);
      if (!isPyWhitespace(c)) {
        if (start < 0) start = i;
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < len && isPyWhitespace(s.charCodeAt(j))) j++;
      const inner = mode === 'jiwer' && j === i + 1 && c !== 0x20 && start >= 0 && j < len;
      if (inner) {
        h = Math.imul(h ^ c, FNV_PRIME);
      } else if (start >= 0) {
        out[n++] = this.intern(s, start, i, h);
        start = -1;
        h = FNV_OFFSET;
      }
      i = j;
    }
    if (start >= 0) out[n++] = this.intern(s, start, len, h);
    return n;
  }

  private intern(s: string, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    let p = h & mask;
    for (;;) {
      const id = this.slots[p];
      if (id < 0) break;
      if (this.hashes[p] === h) {
        const k = this.keys[p];
        if (k.length === end - start && s.startsWith(k, start)) return id;
      }
      p = (p + 1) & mask;
    }
    const word = s.slice(start, end);
    const id = this.words.length;
    this.words.push(word);
    this.keys[p] = word;
    this.hashes[p] = h;
    this.slots[p] = id;
    if (this.words.length * 2 > this.slots.length) this.grow();
    return id;
  }

  /** Doubles the table (load factor stays under 1/2 so probes stay short). */
  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const oldSlots = this.slots;
    const cap = oldSlots.length * 2;
    this.keys = new Array(cap);
    this.hashes = new Int32Array(cap);
    this.slots = new Int32Array(cap).fill(-1);
    for (let q = 0; q < oldSlots.length; q++) {
      if (oldSlots[q] < 0) continue;
      let p = oldHashes[q] & (cap - 1);
      while (this.slots[p] >= 0) p = (p + 1) & (cap - 1);
      this.keys[p] = oldKeys[q];
      this.hashes[p] = oldHashes[q];
      this.slots[p] = oldSlots[q];
    }
  }
}
