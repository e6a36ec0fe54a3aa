import { UsageError } from './errors.ts';

/** Levenshtein distance over characters, for did-you-mean suggestions only. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Names close to `name`, best first (lm-evaluation-harness style suggestions). */
export function suggest(name: string, known: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  return known
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(k.length / 3)) || k.toLowerCase().includes(lower))
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, max)
    .map(({ k }) => k);
}

export function unknownNameMessage(kind: string, name: string, known: readonly string[]): string {
  const close = suggest(name, known);
  const hint = close.length ? ` Did you mean: ${close.map((c) => `'${c}'`).join(', ')}?` : '';
  return `Unknown ${kind} '${name}'.${hint} Available: ${[...known].sort().join(', ')}.`;
}

/**
 * One registry class for every kind of pluggable thing (tasks, techniques, metrics, suites,
 * reporters). Adding an entry = adding a file that calls `register`; lookups of unknown names
 * fail with a did-you-mean message instead of a switch statement somewhere.
 */
export class Registry<T extends { id: string }> {
  private readonly entries = new Map<string, T>();
  constructor(readonly kind: string) {}

  register(entry: T): T {
    if (this.entries.has(entry.id)) throw new Error(`duplicate ${this.kind} id '${entry.id}'`);
    this.entries.set(entry.id, entry);
    return entry;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string, where?: { file?: string; field?: string }): T {
    const entry = this.entries.get(id);
    if (!entry) throw new UsageError(unknownNameMessage(this.kind, id, this.ids()), where);
    return entry;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  all(): T[] {
    return [...this.entries.values()];
  }
}
