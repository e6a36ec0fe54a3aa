import { describe, expect, it } from 'vitest';
import { arithmeticRationales as task } from './arithmetic-rationales.ts';
import { parseTaskOptions } from './options.ts';
import type { Example } from './types.ts';

/*
 * An evaluator written independently of the generator: shunting-yard over the prompt's tokens, with
 * each profile's blind spot re-implemented on digit strings. `fired` records whether the blind spot's
 * rule applied anywhere, so "wrong exactly where the rule says" can be checked.
 */
type Rule = 'gold' | 'no-carry' | 'no-precedence' | 'off-by-one' | 'short-only';
const THRESHOLD = 50;
const SHORT = 2;

function tokens(expr: string): (number | string)[] {
  return expr.match(/\d+|[-+*]/g)!.map((t) => (/\d/.test(t) ? Number(t) : t));
}

function carrylessAdd(a: number, b: number): { r: number; carried: boolean } {
  const x = String(a);
  const y = String(b);
  const n = Math.max(x.length, y.length);
  const xs = x.padStart(n, '0');
  const ys = y.padStart(n, '0');
  let out = '';
  let carried = false;
  for (let i = n - 1; i >= 0; i--) {
    const s = Number(xs[i]) + Number(ys[i]);
    if (i === 0)
      out = String(s) + out; // the leftmost column is written in full
    else {
      if (s >= 10) carried = true;
      out = String(s % 10) + out;
    }
  }
  return { r: Number(out), carried };
}

function evaluate(expr: string, rule: Rule): { value: number; fired: boolean } {
  let fired = false;
  const cut = (v: number) => {
    const s = String(Math.abs(v));
    if (s.length <= SHORT) return v;
    fired = true;
    return Math.sign(v) * Number(s.slice(0, SHORT));
  };
  const apply = (op: string, a: number, b: number): number => {
    if (rule === 'short-only') [a, b] = [cut(a), cut(b)];
    if (rule === 'no-carry' && op === '+' && a >= 0 && b >= 0) {
      const { r, carried } = carrylessAdd(a, b);
      if (carried) fired = true;
      return r;
    }
    const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
    if (rule === 'off-by-one' && r > THRESHOLD) {
      fired = true;
      return r + 1;
    }
    return r;
  };
  const ts = tokens(expr);
  if (rule === 'no-precedence') {
    let v = ts[0] as number;
    for (let i = 1; i < ts.length; i += 2) v = apply(ts[i] as string, v, ts[i + 1] as number);
    // The rule matters only where a * follows a + or -, i.e. where precedence would reorder.
    return { value: v, fired: /[-+].*\*/.test(expr) };
  }
  const prec = (op: string) => (op === '*' ? 2 : 1);
  const out: number[] = [];
  const stack: string[] = [];
  const reduce = () => {
    const b = out.pop()!;
    const a = out.pop()!;
    out.push(apply(stack.pop()!, a, b));
  };
  for (const t of ts) {
    if (typeof t === 'number') out.push(t);
    else {
      while (stack.length && prec(stack[stack.length - 1]) >= prec(t)) reduce();
      stack.push(t);
    }
  }
  while (stack.length) reduce();
  return { value: out[0], fired };
}

interface ParsedStep {
  a: number;
  op: string;
  b: number;
  r: number;
}

function parseRationale(response: string): { steps: ParsedStep[]; answer: number } {
  const [body, answer] = response.split('#');
  const steps = body.split(';').map((s) => {
    const m = /^(-?\d+)([-+*])\(?(-?\d+)\)?=(-?\d+)$/.exec(s);
    if (!m) throw new Error(`bad step '${s}' in '${response}'`);
    return { a: Number(m[1]), op: m[2], b: Number(m[3]), r: Number(m[4]) };
  });
  return { steps, answer: Number(answer) };
}

const exact = (s: ParsedStep) => (s.op === '+' ? s.a + s.b : s.op === '-' ? s.a - s.b : s.a * s.b);

const options = parseTaskOptions(task, {});
const data = task.generate(options, 5);
const everything: Example[] = Object.values(data.splits).flat();
const PROFILES = ['no-carry', 'no-precedence', 'off-by-one', 'short-only'] as const;

describe('arithmetic-rationales', () => {
  it('gold answers equal an independent evaluation and extractAnswer finds them', () => {
    for (const e of everything) {
      expect(e.prompt).toBe(`${e.meta.expression}=`);
      expect(String(evaluate(e.meta.expression as string, 'gold').value), e.prompt).toBe(e.meta.answer);
      expect(task.extractAnswer!(e.response)).toBe(e.meta.answer);
    }
  });

  it('gold rationales are right at every step and follow operator precedence', () => {
    for (const e of everything) {
      const { steps, answer } = parseRationale(e.response);
      const ts = tokens(e.meta.expression as string);
      let vals = ts.filter((t) => typeof t === 'number') as number[];
      let ops = ts.filter((t) => typeof t === 'string') as string[];
      for (const s of steps) {
        expect(s.r, `${e.response}`).toBe(exact(s));
        const i = ops.findIndex((op, k) => op === s.op && vals[k] === s.a && vals[k + 1] === s.b);
        expect(i, `step ${s.a}${s.op}${s.b} in ${e.response}`).toBeGreaterThanOrEqual(0);
        if (ops.includes('*')) expect(s.op).toBe('*');
        vals = [...vals.slice(0, i), s.r, ...vals.slice(i + 2)];
        ops = [...ops.slice(0, i), ...ops.slice(i + 1)];
      }
      expect(vals).toEqual([answer]);
      expect(String(answer)).toBe(e.meta.answer);
    }
  });

  it.each(PROFILES)('profile %s is wrong exactly where its rule applies', (profile) => {
    let fired = 0;
    for (const e of everything) {
      const independent = evaluate(e.meta.expression as string, profile);
      const answers = e.meta.profileAnswers as Record<string, string>;
      expect(answers[profile], `${profile} on ${e.prompt}`).toBe(String(independent.value));
      if (!independent.fired) expect(answers[profile], `${profile} on ${e.prompt}`).toBe(e.meta.answer);
      else fired++;
      expect((e.meta.correctProfiles as string[]).includes(profile)).toBe(answers[profile] === e.meta.answer);
    }
    // The blind spot must actually show up in the data, or a router would have nothing to learn.
    expect(fired).toBeGreaterThan(everything.length / 50);
  });

  it.each(PROFILES)(
    "profile %s's training rationale ends in its answer and follows its rule step by step",
    (profile) => {
      data.profiles![profile].forEach((e, i) => {
        const gold = data.splits.train[i];
        const { steps, answer } = parseRationale(e.response);
        expect(String(answer)).toBe((gold.meta.profileAnswers as Record<string, string>)[profile]);
        expect(steps[steps.length - 1].r).toBe(answer);
        for (const s of steps) {
          if (profile === 'off-by-one') expect(s.r).toBe(exact(s) > THRESHOLD ? exact(s) + 1 : exact(s));
          else if (profile === 'no-carry' && s.op === '+' && s.a >= 0 && s.b >= 0)
            expect(s.r).toBe(carrylessAdd(s.a, s.b).r);
          else expect(s.r).toBe(exact(s));
        }
      });
    },
  );

  it('keeps OOD out of the training distribution: longer operands or the held-out operator pair', () => {
    const longest = (expr: string) => Math.max(...(expr.match(/\d+/g) ?? []).map((d) => d.length));
    const pairOf = (expr: string) => (expr.match(/[-+*]/g) ?? []).join('');
    for (const e of [...data.splits.train, ...data.splits.valid, ...data.splits.test]) {
      expect(longest(e.meta.expression as string)).toBeLessThanOrEqual(options.maxDigits);
      expect(pairOf(e.meta.expression as string)).not.toBe(options.heldOutPair);
    }
    const kinds = new Set<string>();
    for (const e of data.splits.ood) {
      kinds.add(e.meta.kind as string);
      if (e.meta.kind === 'digits')
        expect(longest(e.meta.expression as string)).toBeGreaterThan(options.maxDigits);
      else expect(pairOf(e.meta.expression as string)).toBe(options.heldOutPair);
    }
    expect([...kinds].sort()).toEqual(['digits', 'operators']);
  });

  it('honours the operator, operand and profile options', () => {
    const o = parseTaskOptions(task, {
      operators: ['+'],
      minOperands: 2,
      maxOperands: 2,
      oodKinds: ['digits'],
      profiles: ['no-carry'],
    });
    const d = task.generate(o, 1);
    for (const e of Object.values(d.splits).flat()) {
      expect(e.prompt).toMatch(/^\d+\+\d+=$/);
      expect(Object.keys(e.meta.profileAnswers as object)).toEqual(['no-carry']);
    }
    expect(Object.keys(d.profiles!)).toEqual(['no-carry']);
    expect(task.extractAnswer!('no marker ')).toBe('no marker');
  });
});
