/**
 * Word (or, for CER tasks, character) alignment codes for the example browser, one character per step of metrics/edit-alignment.ts
 * (the same alignment WER counts): '=' equal, 's' substitution, 'd' deletion (gold word missing),
 * 'i' insertion (extra word). The page walks the codes over the gold and response split on
 * whitespace, so codes are only sent when that split gives exactly the words the metric aligned
 * (jiwer's tokenizer differs on rare inputs such as a lone tab inside a word); otherwise the page
 * shows the response unhighlighted rather than highlight the wrong words. Character codes are
 * walked over the code points of the raw strings (Array.from), so they are sent only when CER's
 * units are exactly those (no leading or trailing whitespace, which jiwer strips).
 */
import { type AlignOp, alignment } from '../metrics/edit-alignment.ts';

const CODE: Record<AlignOp['op'], string> = { equal: '=', substitute: 's', delete: 'd', insert: 'i' };

export const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export type AlignUnit = 'word' | 'char';

const unitsOf = (s: string, unit: AlignUnit) => (unit === 'word' ? words(s) : Array.from(s));

export function alignmentCodes(reference: string, response: string, unit: AlignUnit = 'word'): string | null {
  const ops = alignment(reference, response, unit);
  const ref = ops.filter((o) => o.ref !== null).map((o) => o.ref as string);
  const hyp = ops.filter((o) => o.hyp !== null).map((o) => o.hyp as string);
  if (!same(ref, unitsOf(reference, unit)) || !same(hyp, unitsOf(response, unit))) return null;
  return ops.map((o) => CODE[o.op]).join('');
}
