/** Number and label formatting shared by the gate's terminal, markdown and JUnit outputs. */
import type { Comparison, Outcome } from './types.ts';

/** Four significant digits, no exponent for ordinary metric values, '–' for missing numbers. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  return Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

/** Signed, with a real minus sign: "+0.031", "−0.11". */
export function signed(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = num(Math.abs(x));
  return x > 0 ? `+${s}` : x < 0 ? `−${s}` : s;
}

export function ciText(c: Comparison): string {
  return c.ci.lo === null || c.ci.hi === null ? 'no CI' : `[${signed(c.ci.lo)}, ${signed(c.ci.hi)}]`;
}

/** The arrow of the raw change: ↑ the value went up, ↓ it went down, → unchanged. */
export function arrow(diff: number): string {
  return !Number.isFinite(diff) ? '' : diff > 0 ? '↑' : diff < 0 ? '↓' : '→';
}

/** ↑ when higher is better, ↓ when lower is better. */
export function better(c: Comparison): string {
  return c.direction === 'higher' ? '↑' : '↓';
}

export const OUTCOME_LABEL: Record<Outcome, string> = {
  regression: '❌ regression',
  refused: '⛔ refused',
  inconclusive: '❔ inconclusive',
  improved: '🟢 improved',
  pass: '✅ pass',
};

/** Worst first, so a table read from the top shows what failed. */
export const OUTCOME_ORDER: Outcome[] = ['refused', 'regression', 'inconclusive', 'improved', 'pass'];

export function methodText(c: Comparison): string {
  if (c.method === 'paired-t') return `paired t, ${c.candidate.n} seeds`;
  if (c.method === 'welch') return `Welch, ${c.baseline.n}+${c.candidate.n} values`;
  if (c.method === 'paired-bootstrap-prompts')
    return `paired-bootstrap-prompts, ${c.bootstrap?.shared ?? '?'} prompts`;
  return `n=${c.baseline.n}/${c.candidate.n}`;
}

export function sortForDisplay(cs: readonly Comparison[]): Comparison[] {
  return [...cs].sort((a, b) => OUTCOME_ORDER.indexOf(a.outcome) - OUTCOME_ORDER.indexOf(b.outcome));
}
