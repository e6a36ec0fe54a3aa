/**
 * How arithmetic-rationales' teacher profiles compute. Each profile is a systematic blind spot: the
 * same step machine as the gold solver with one rule changed, so its rationale is confidently and
 * consistently wrong exactly where that rule applies.
 */
export type Op = '+' | '-' | '*';
export const OPERATORS = ['+', '-', '*'] as const;

export const PROFILE_NAMES = ['no-carry', 'no-precedence', 'off-by-one', 'short-only'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];
export type SolverName = 'gold' | ProfileName;

export interface Expr {
  operands: number[];
  ops: Op[];
}

export interface Step {
  a: number;
  op: Op;
  b: number;
  r: number;
}

export interface ProfileParams {
  /** off-by-one: a step whose true result exceeds this is reported one too high. */
  offByOneThreshold: number;
  /** short-only: an operand with more digits than this is read as its leading digits only. */
  shortOnlyDigits: number;
}

/**
 * Column-wise addition of two non-negative integers that never carries: each column keeps only its
 * last digit, except the leftmost, which is written in full the way a person who forgets carries
 * writes it (37+48 -> 75, 91+49 -> 130).
 */
export function addWithoutCarry(a: number, b: number): number {
  let r = 0;
  for (let place = 1; ; place *= 10) {
    const col = (a % 10) + (b % 10);
    a = Math.floor(a / 10);
    b = Math.floor(b / 10);
    if (a === 0 && b === 0) return r + col * place;
    r += (col % 10) * place;
  }
}

/** Keeps the leading `digits` digits of |n| (sign kept): 1776 -> 17 for digits = 2. */
export function truncateDigits(n: number, digits: number): number {
  const s = String(Math.abs(n));
  if (s.length <= digits) return n;
  const t = Number(s.slice(0, digits));
  return n < 0 ? -t : t;
}

function exact(a: number, op: Op, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : a * b;
}

/** One step as `solver` computes it. Operands are shown as the solver read them. */
function step(solver: SolverName, a: number, op: Op, b: number, p: ProfileParams): Step {
  switch (solver) {
    case 'no-carry':
      if (op === '+' && a >= 0 && b >= 0) return { a, op, b, r: addWithoutCarry(a, b) };
      return { a, op, b, r: exact(a, op, b) };
    case 'off-by-one': {
      const r = exact(a, op, b);
      return { a, op, b, r: r > p.offByOneThreshold ? r + 1 : r };
    }
    case 'short-only': {
      const ta = truncateDigits(a, p.shortOnlyDigits);
      const tb = truncateDigits(b, p.shortOnlyDigits);
      return { a: ta, op, b: tb, r: exact(ta, op, tb) };
    }
    default:
      return { a, op, b, r: exact(a, op, b) };
  }
}

/**
 * Solves an expression step by step. Gold and most profiles do every `*` first (leftmost first),
 * then `+`/`-` left to right; no-precedence combines strictly left to right.
 */
export function solve(expr: Expr, solver: SolverName, p: ProfileParams): { steps: Step[]; answer: number } {
  const vals = [...expr.operands];
  const ops = [...expr.ops];
  const steps: Step[] = [];
  while (ops.length) {
    const i = solver === 'no-precedence' ? 0 : Math.max(0, ops.indexOf('*'));
    const s = step(solver, vals[i], ops[i], vals[i + 1], p);
    steps.push(s);
    vals.splice(i, 2, s.r);
    ops.splice(i, 1);
  }
  return { steps, answer: vals[0] };
}

const num = (n: number) => String(n);
/** A negative right operand is parenthesized so `5-(-3)` never reads as `5--3`. */
const right = (n: number) => (n < 0 ? `(${n})` : String(n));

export function formatExpr(e: Expr): string {
  return e.operands.map((v, i) => (i ? e.ops[i - 1] + right(v) : num(v))).join('');
}

/** The response format: `48*2=96;37+96=133#133`, i.e. `;`-separated steps, then `#` and the answer. */
export function formatRationale(steps: readonly Step[], answer: number): string {
  return `${steps.map((s) => `${num(s.a)}${s.op}${right(s.b)}=${s.r}`).join(';')}#${answer}`;
}

/**
 * Reads a prompt written by formatExpr (plus the trailing `=`) back into its expression, so a
 * program teacher can solve a prompt it is handed; undefined when the text is not such a prompt.
 */
export function parsePrompt(prompt: string): Expr | undefined {
  const m = /^(-?\d+)((?:[-+*](?:\d+|\(-\d+\)))*)=$/.exec(prompt);
  if (!m) return undefined;
  const operands = [Number(m[1])];
  const ops: Op[] = [];
  for (const [, op, v] of m[2].matchAll(/([-+*])\(?(-?\d+)\)?/g)) {
    ops.push(op as Op);
    operands.push(Number(v));
  }
  return { operands, ops };
}
