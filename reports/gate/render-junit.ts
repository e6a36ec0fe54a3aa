/**
 * gate.junit.xml in the common JUnit shape (testsuites > testsuite > testcase > failure|error|skipped)
 * that CI systems and test-report actions read:
 *   - suite "distill-bench gate": one testcase per gated comparison; a regression is a <failure>
 *     carrying the numbers, a refused comparison (signatures differ) an <error>, an inconclusive one
 *     <skipped message="inconclusive: …">; pass and improved are passing testcases; every case
 *     carries its verdict and numbers in <system-out>.
 *   - suite "distill-bench gate: missing rows" (only when rows are missing): one <skipped/> testcase
 *     per missing row, or a <failure> with --fail-on-missing.
 */
import { labelOf } from './series.ts';
import type { Comparison, GateResult, MissingRow } from './types.ts';

/** Escapes text and attribute values; drops characters XML 1.0 cannot carry at all. */
export function xmlEscape(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the characters XML forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

/** The numbers of a comparison, full precision, one per line. */
export function numbersText(c: Comparison): string {
  return [
    `${labelOf(c)}: ${c.outcome}`,
    c.reason,
    `direction: ${c.direction} is better`,
    `baseline: mean ${c.baseline.mean} over ${c.baseline.n} value(s), signature ${c.baseline.signature}`,
    `candidate: mean ${c.candidate.mean} over ${c.candidate.n} value(s), signature ${c.candidate.signature}`,
    `difference (candidate - baseline): ${c.diff}`,
    `${Math.round(c.ci.level * 100)}% CI: ${c.ci.lo === null ? 'none' : `[${c.ci.lo}, ${c.ci.hi}]`} (${c.method})`,
    `p: ${c.p ?? 'none'}`,
    `tolerance: ${c.tolerance} (${c.toleranceSource})`,
    ...c.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

function comparisonCase(c: Comparison): string {
  const head = `    <testcase${attrs({ classname: `${c.task}.${c.technique}.${c.student}`, name: `${c.split} ${c.metric}`, time: 0 })}>`;
  const body = xmlEscape(numbersText(c));
  if (c.outcome === 'regression') {
    return `${head}\n      <failure${attrs({ type: 'regression', message: `${c.metric} regressed: ${c.reason}` })}>${body}</failure>\n    </testcase>`;
  }
  if (c.outcome === 'refused') {
    return `${head}\n      <error${attrs({ type: 'signature-mismatch', message: c.reason })}>${body}</error>\n    </testcase>`;
  }
  // Undecided is not passed: CI dashboards count <skipped> separately, so inconclusive stays visible.
  if (c.outcome === 'inconclusive') {
    return `${head}\n      <skipped${attrs({ message: `inconclusive: ${c.reason}` })}/>\n      <system-out>${body}</system-out>\n    </testcase>`;
  }
  return `${head}\n      <system-out>${body}</system-out>\n    </testcase>`;
}

function missingCase(m: MissingRow, fail: boolean): string {
  const message = `missing in the ${m.missingIn}: ${labelOf(m)}`;
  const inner = fail ? `<failure${attrs({ type: 'missing', message })}/>` : `<skipped${attrs({ message })}/>`;
  return `    <testcase${attrs({ classname: `${m.task}.${m.technique}.${m.student}`, name: `${m.split} ${m.metric}`, time: 0 })}>\n      ${inner}\n    </testcase>`;
}

export function renderJunit(r: GateResult): string {
  const failOnMissing = r.failOnMissing;
  const cs = r.comparisons;
  const failures = cs.filter((c) => c.outcome === 'regression').length;
  const errors = cs.filter((c) => c.outcome === 'refused').length;
  const inconclusive = cs.filter((c) => c.outcome === 'inconclusive').length;
  const missFail = failOnMissing ? r.missing.length : 0;
  const suites = [
    `  <testsuite${attrs({ name: 'distill-bench gate', tests: cs.length, failures, errors, skipped: inconclusive, time: 0 })}>\n${cs.map(comparisonCase).join('\n')}\n  </testsuite>`,
  ];
  if (r.missing.length) {
    suites.push(
      `  <testsuite${attrs({ name: 'distill-bench gate: missing rows', tests: r.missing.length, failures: missFail, errors: 0, skipped: r.missing.length - missFail, time: 0 })}>\n` +
        `${r.missing.map((m) => missingCase(m, failOnMissing)).join('\n')}\n  </testsuite>`,
    );
  }
  const total = {
    name: 'distill-bench gate',
    tests: cs.length + r.missing.length,
    failures: failures + missFail,
    errors,
    skipped: inconclusive + r.missing.length - missFail,
    time: 0,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs(total)}>\n${suites.join('\n')}\n</testsuites>\n`;
}
