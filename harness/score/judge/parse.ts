/**
 * Parsing judge output. Anything that does not parse is returned as `undefined` and counted by the
 * caller as unparseable (reported, never dropped silently); there is no second "extract the
 * number" call, so a rerun on the cached answer gives the same count.
 */

export interface RseJudgment {
  /** Overall similarity 1-5: the RSE value. */
  overall: number;
  /** Aspect scores 0-2; absent when the judge left one out or gave it out of range. */
  style?: number;
  logic?: number;
  content?: number;
}

function aspect(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= 2 ? n : undefined;
}

function overview(v: unknown): number | undefined {
  let n = Number.NaN;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*5)?\s*$/.exec(v);
    if (m) n = Number(m[1]);
  }
  return Number.isFinite(n) && n >= 1 && n <= 5 ? n : undefined;
}

/** The last flat JSON object in the text that has an overview_score (the paper's JSON block). */
export function parseRseJudgment(text: string): RseJudgment | undefined {
  const candidates = text.match(/\{[^{}]*\}/g) ?? [];
  for (let i = candidates.length - 1; i >= 0; i--) {
    let obj: unknown;
    try {
      obj = JSON.parse(candidates[i]);
    } catch {
      continue;
    }
    if (!obj || typeof obj !== 'object' || !('overview_score' in obj)) continue;
    const o = obj as Record<string, unknown>;
    const overall = overview(o.overview_score);
    if (overall === undefined) return undefined;
    return {
      overall,
      style: aspect(o.style_score),
      logic: aspect(o.logical_score),
      content: aspect(o.content_score),
    };
  }
  return undefined;
}

/** 0/1 between the last <tag>…</tag>, as the paper's judges answer; anything else is unparseable. */
export function parseBinaryTag(text: string, tag: 'judge' | 'rate'): boolean | undefined {
  const all = [...text.matchAll(new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`, 'g'))];
  const last = all.at(-1)?.[1];
  if (last === '1') return true;
  if (last === '0') return false;
  return undefined;
}
