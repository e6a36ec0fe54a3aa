import type { Command } from 'commander';
import type { MetricFamily } from '../../metrics/family.ts';
import { metricFamilies } from '../../metrics/index.ts';
import type { MetricValue } from '../../metrics/types.ts';
import { UsageError } from '../errors.ts';
import { unknownNameMessage } from '../registry.ts';
import { readAligned, readMatrix } from './metric-input.ts';

/**
 * `distill-bench metric <name> --reference f --hypothesis f`: one metric on two aligned files, one
 * segment per line (like jiwer's and sacreBLEU's CLIs), printing the value, its signature and the
 * counts behind it. `metric cka --x a.csv --y b.csv`: linear CKA between two row-aligned matrices.
 * Option names follow sacreBLEU/jiwer; defaults are theirs.
 */

const EDIT = ['wer', 'mer', 'wil', 'wip', 'cer', 'per'] as const;
const ROUGE = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const;
/** Metrics with options and output of their own (FAMILIES below). */
const BESPOKE: readonly string[] = [...EDIT, 'bleu', 'chrf', ...ROUGE];
/** Any other family scored against gold (metrics/family.ts `againstGold`) works here with no code of its own. */
const AGAINST_GOLD = new Map(
  metricFamilies
    .filter((f) => f.againstGold)
    .flatMap((f) => f.metrics.map((m) => [m.id, f] as const))
    .filter(([id]) => !BESPOKE.includes(id)),
);
const TEXT: readonly string[] = [...BESPOKE, ...AGAINST_GOLD.keys()];
/** The ids this command computes (harness/runner/metric-families.test.ts checks them against the registry). */
export const NAMES: readonly string[] = [...TEXT, 'cka'];
/** Metrics that accept several reference files (sacreBLEU reference streams). */
const MULTI_REF = ['bleu', 'chrf'];

interface Flags {
  reference?: string[];
  hypothesis?: string;
  perSegment?: boolean;
  json?: boolean;
  tokenize: '13a' | 'none' | 'char';
  smooth: 'exp' | 'floor' | 'add-k' | 'none';
  smoothValue?: number;
  lowercase?: boolean;
  beta: number;
  charOrder: number;
  wordOrder: number;
  epsSmoothing?: boolean;
  whitespace?: boolean;
  x?: string;
  y?: string;
}

const oneOf = (flag: string, allowed: string[]) => (v: string) => {
  if (!allowed.includes(v))
    throw new UsageError(`${flag}: ${unknownNameMessage('value', v, allowed)}`, { field: flag });
  return v;
};
const num = (flag: string, min: number, integer: boolean) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    const what = integer ? 'an integer' : 'a number';
    throw new UsageError(`${flag}: '${v}' is not ${what} >= ${min}.`, { field: flag });
  }
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

type Parse = (v: string, prev: any) => unknown;
/** Options as data: [flag, metrics that accept it, description, parser, default]. */
const OPTIONS: [string, readonly string[], string, Parse?, unknown?][] = [
  [
    '--reference <file>',
    TEXT,
    'references, one per line; repeatable for bleu/chrf (reference streams)',
    collect,
  ],
  ['--hypothesis <file>', TEXT, 'hypotheses, one per line, aligned with the references'],
  ['--per-segment', TEXT, 'also print the value of every line'],
  ['--json', NAMES, 'print JSON instead of text'],
  [
    '--tokenize <name>',
    ['bleu'],
    'BLEU tokenizer: 13a, none or char',
    oneOf('--tokenize', ['13a', 'none', 'char']),
    '13a',
  ],
  [
    '--smooth <method>',
    ['bleu'],
    'BLEU smoothing: exp, floor, add-k, none',
    oneOf('--smooth', ['exp', 'floor', 'add-k', 'none']),
    'exp',
  ],
  [
    '--smooth-value <x>',
    ['bleu'],
    'value for floor (default 0.1) or add-k (default 1)',
    num('--smooth-value', 0, false),
  ],
  ['--lowercase', ['bleu', 'chrf'], 'case-insensitive BLEU/chrF'],
  ['--beta <n>', ['chrf'], 'chrF recall weight', num('--beta', 1, true), 2],
  ['--char-order <n>', ['chrf'], 'chrF character n-gram order', num('--char-order', 1, true), 6],
  ['--word-order <n>', ['chrf'], 'chrF word n-gram order (2 = chrF++)', num('--word-order', 0, true), 0],
  ['--eps-smoothing', ['chrf'], 'chrF: mean of per-order F (chrF++.py, NLTK) instead of effective order'],
  ['--whitespace', ['chrf'], 'chrF: keep whitespace in character n-grams'],
  ['--x <csv>', ['cka'], 'cka: one matrix, one row per position, comma-separated numbers'],
  ['--y <csv>', ['cka'], 'cka: the other matrix, rows aligned with --x'],
];

interface Report {
  value: MetricValue;
  text: string[];
  segments?: { line: number; value: number; detail?: Record<string, number> }[];
}
type Scorer = (name: string, refs: string[][], hyps: string[], f: Flags) => Promise<Report>;

const fix = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** One scorer per family; metric modules are imported on use so other commands stay light. */
const FAMILIES: Record<'edit' | 'bleu' | 'chrf' | 'rouge', Scorer> = {
  async edit(name, refs, hyps, f) {
    const m = await import('../../metrics/edit-distance.ts');
    const metric = name as (typeof EDIT)[number];
    const value = m.editMetric(metric, refs[0], hyps);
    const d = value.detail!;
    const unit = { word: 'words', char: 'characters', phone: 'phones' }[m.EDIT_METRICS[metric]];
    const text = [
      `${name} = ${fix(value.value, 4)}`,
      `counts: hits ${d.hits}, substitutions ${d.substitutions}, deletions ${d.deletions}, insertions ${d.insertions}, ` +
        `reference ${unit} ${d.refUnits}, hypothesis ${unit} ${d.hypUnits}`,
    ];
    if (!f.perSegment) return { value, text };
    const segs = m.editPerSegment(metric, refs[0], hyps);
    return { value, text, segments: segs.map((v, i) => ({ line: i + 1, value: v.value, detail: v.detail })) };
  },
  async bleu(_name, refs, hyps, f) {
    const b = await import('../../metrics/bleu.ts');
    const opts = {
      tokenize: f.tokenize,
      smooth: f.smooth,
      smoothValue: f.smoothValue,
      lowercase: f.lowercase,
    };
    const value = b.corpusBleu(hyps, refs, opts);
    const d = value.detail!;
    const prec = [1, 2, 3, 4].map((n) => fix(d[`p${n}`], 1)).join('/');
    const ratio = d.refLen ? d.sysLen / d.refLen : 0;
    const text = [
      `BLEU = ${fix(value.value, 2)} ${prec} (BP = ${fix(d.bp, 3)} ratio = ${fix(ratio, 3)} ` +
        `hyp_len = ${d.sysLen} ref_len = ${d.refLen})`,
    ];
    if (!f.perSegment) return { value, text };
    // Per line: sacreBLEU's sentence_bleu (effective order), not a slice of the corpus statistics.
    const segRefs = b.segmentsFromStreams(hyps.length, refs);
    return {
      value,
      text,
      segments: hyps.map((h, i) => ({ line: i + 1, value: b.sentenceBleu(h, segRefs[i], opts) })),
    };
  },
  async chrf(_name, refs, hyps, f) {
    const c = await import('../../metrics/chrf.ts');
    const { beta, charOrder, wordOrder, epsSmoothing, whitespace, lowercase } = f;
    const opts = { beta, charOrder, wordOrder, epsSmoothing, whitespace, lowercase };
    const value = c.corpusChrf(hyps, refs, opts);
    const text = [`${value.signature.split('|')[0]} = ${fix(value.value, 2)}`];
    if (!f.perSegment) return { value, text };
    const segRefs = hyps.map((_, i) => refs.map((r) => r[i]));
    return {
      value,
      text,
      segments: hyps.map((h, i) => ({ line: i + 1, value: c.chrf(h, segRefs[i], opts) })),
    };
  },
  async rouge(name, refs, hyps, f) {
    const r = await import('../../metrics/rouge.ts');
    const type = name as (typeof ROUGE)[number];
    const value = r.corpusRouge(type, refs[0], hyps);
    const d = value.detail!;
    const text = [
      `${name} = ${fix(value.value, 4)} (F1; precision ${fix(d.precision, 4)}, recall ${fix(d.recall, 4)}, ` +
        `mean over ${d.examples} lines)`,
    ];
    if (!f.perSegment) return { value, text };
    const segments = hyps.map((h, i) => {
      const s = r.rougeScore(type, refs[0][i], h);
      return { line: i + 1, value: s.fmeasure, detail: { precision: s.precision, recall: s.recall } };
    });
    return { value, text, segments };
  },
};

/** A family's own corpus score, and per line the same score of that one line. */
function scoreAgainstGold(
  family: MetricFamily,
  name: string,
  refs: string[][],
  hyps: string[],
  f: Flags,
): Report {
  const pick = (values: MetricValue[]) => values.find((v) => v.metric === name)!;
  const value = pick(family.againstGold!(hyps, refs[0]));
  const text = [`${name} = ${fix(value.value, 4)}`];
  if (!f.perSegment) return { value, text };
  const segments = hyps.map((h, i) => ({
    line: i + 1,
    value: pick(family.againstGold!([h], [refs[0][i]])).value,
  }));
  return { value, text, segments };
}

const familyOf = (name: string) =>
  (EDIT as readonly string[]).includes(name) ? 'edit' : name === 'bleu' || name === 'chrf' ? name : 'rouge';

async function scoreCka(f: Flags): Promise<MetricValue[]> {
  if (!f.x || !f.y)
    throw new UsageError('metric cka needs --x <csv> and --y <csv>.', { field: f.x ? '--y' : '--x' });
  const X = readMatrix(f.x);
  const Y = readMatrix(f.y);
  if (X.length !== Y.length) {
    const msg = `${f.x} has ${X.length} rows but ${f.y} has ${Y.length}; CKA compares the same positions row by row.`;
    throw new UsageError(msg, { file: f.y });
  }
  const { ckaValues } = await import('../../metrics/homogenization.ts');
  try {
    return ckaValues(X, Y);
  } catch (err) {
    if (err instanceof RangeError)
      throw new UsageError(`metric cka (${f.x}, ${f.y}): ${err.message}.`, { file: f.x });
    throw err;
  }
}

function printText(r: Report, perSegment: boolean): void {
  for (const line of r.text) console.log(line);
  console.log(`signature: ${r.value.signature}`);
  if (!perSegment || !r.segments) return;
  for (const s of r.segments) {
    const parts = Object.entries(s.detail ?? {}).map(
      ([k, v]) => `${k} ${Number.isInteger(v) ? v : fix(v, 4)}`,
    );
    console.log(`line ${s.line}: ${fix(s.value, 4)}${parts.length ? `  ${parts.join(', ')}` : ''}`);
  }
}

/** Options given on the command line that the chosen metric does not use are mistakes, not no-ops. */
function checkApplicable(cmd: Command, name: string): void {
  for (const [flag, metrics] of OPTIONS) {
    const key = cmd.options.find((o) => o.flags === flag)!.attributeName();
    if (cmd.getOptionValueSource(key) === 'cli' && !metrics.includes(name)) {
      const msg = `${flag.split(' ')[0]} does not apply to metric ${name} (it is for ${metrics.join(', ')}).`;
      throw new UsageError(msg, { field: flag });
    }
  }
}

export function registerMetric(program: Command): void {
  const cmd = program
    .command('metric <name>')
    .description(`score one metric on aligned files: ${NAMES.join(', ')}`);
  for (const [flag, , description, parse, def] of OPTIONS) {
    if (parse) cmd.option(flag, description, parse, def);
    else cmd.option(flag, description);
  }
  cmd.action(async (name: string, f: Flags) => {
    if (!NAMES.includes(name)) throw new UsageError(unknownNameMessage('metric', name, NAMES));
    checkApplicable(cmd, name);
    if (name === 'cka') {
      const values = await scoreCka(f);
      if (f.json) console.log(JSON.stringify(values, null, 1));
      else for (const v of values) console.log(`${v.metric} = ${fix(v.value, 4)}\nsignature: ${v.signature}`);
      return;
    }
    if (!f.reference?.length || !f.hypothesis) {
      throw new UsageError(`metric ${name} needs --reference <file> and --hypothesis <file>.`, {
        field: '--reference',
      });
    }
    if (f.reference.length > 1 && !MULTI_REF.includes(name)) {
      throw new UsageError(
        `metric ${name} takes one --reference file (several only for ${MULTI_REF.join(', ')}).`,
      );
    }
    const { refs, hyps } = readAligned(f.reference, f.hypothesis);
    const generic = AGAINST_GOLD.get(name);
    const r = generic
      ? scoreAgainstGold(generic, name, refs, hyps, f)
      : await FAMILIES[familyOf(name)](name, refs, hyps, f);
    if (f.json) console.log(JSON.stringify({ ...r.value, segments: r.segments }, null, 1));
    else printText(r, !!f.perSegment);
  });
}
