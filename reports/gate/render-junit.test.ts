import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gateSides } from './gate.ts';
import { renderJunit, xmlEscape } from './render-junit.ts';
import { registryOptions, series, side } from './testing.ts';

const BASE = [0.8, 0.82, 0.84];
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_message': string; '#text': string }[];
  error?: { '@_message': string }[];
  skipped?: { '@_message': string }[];
}

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as {
    testsuites: Record<string, string> & { testsuite: (Record<string, string> & { testcase: Case[] })[] };
  };
  return doc.testsuites;
}

describe('gate.junit.xml', () => {
  it('has the testsuites/testsuite/testcase/failure shape with the right counts', () => {
    // Candidate: soft-label degraded (d = −0.20 −0.19 −0.21, CI [−0.2248, −0.1752] → regression),
    // hard-label unchanged (d = 0 0 0, CI [0, 0] → pass), co-distillation improved
    // (d = +0.10 +0.12 +0.11, CI [0.0852, 0.1348] → improved); baseline also has 'gone' (missing in candidate).
    const cand = side([
      series([0.6, 0.63, 0.63]),
      series(BASE, { technique: 'hard-label' }),
      series([0.9, 0.94, 0.95], { technique: 'co-distillation' }),
    ]);
    const base = side([
      series(BASE),
      series(BASE, { technique: 'hard-label' }),
      series(BASE, { technique: 'co-distillation' }),
      series(BASE, { technique: 'gone' }),
    ]);
    const suites = parse(renderJunit(gateSides(cand, base, registryOptions)));
    expect(suites['@_tests']).toBe('4');
    expect(suites['@_failures']).toBe('1');
    expect(suites['@_errors']).toBe('0');
    const [gate, missing] = suites.testsuite;
    expect(gate['@_name']).toBe('distill-bench gate');
    expect(gate['@_tests']).toBe('3');
    expect(gate['@_failures']).toBe('1');
    expect(gate.testcase).toHaveLength(3);
    const failed = gate.testcase.filter((c) => c.failure);
    expect(failed).toHaveLength(1);
    expect(failed[0]['@_classname']).toBe('arith.soft-label.nano');
    expect(failed[0]['@_name']).toBe('test accuracy');
    expect(failed[0].failure?.[0]['@_message']).toContain('accuracy regressed');
    // The failure carries the numbers.
    const text = failed[0].failure?.[0]['#text'] ?? '';
    expect(text).toContain('baseline: mean 0.82 over 3 value(s)');
    expect(text).toMatch(/95% CI: \[-0\.2248\d+, -0\.1751\d+\] \(paired-t\)/);
    expect(text).toContain('tolerance: 0.02 (registry)');
    expect(missing['@_name']).toBe('distill-bench gate: missing rows');
    expect(missing['@_skipped']).toBe('1');
    expect(missing.testcase[0].skipped?.[0]['@_message']).toBe(
      'missing in the candidate: arith/gone/nano test accuracy',
    );
  });

  it('a refused comparison is an <error>; missing rows fail with --fail-on-missing', () => {
    const cand = side([series(BASE, { signature: 'accuracy|exact|v2' }), series(BASE, { technique: 'new' })]);
    const suites = parse(
      renderJunit(gateSides(cand, side([series(BASE)]), { ...registryOptions, failOnMissing: true })),
    );
    expect(suites['@_errors']).toBe('1');
    expect(suites['@_failures']).toBe('1');
    expect(suites.testsuite[0].testcase[0].error?.[0]['@_message']).toContain(
      "baseline 'accuracy|exact|v1', candidate 'accuracy|exact|v2'",
    );
    expect(suites.testsuite[1].testcase[0].failure?.[0]['@_message']).toBe(
      'missing in the baseline: arith/new/nano test accuracy',
    );
  });

  it('escapes names so the XML stays well-formed and round-trips', () => {
    const nasty = `a<b>&"c'\u0001`;
    const cand = side([series(BASE, { technique: nasty })]);
    const base = side([series(BASE, { technique: nasty })]);
    const suites = parse(renderJunit(gateSides(cand, base, registryOptions)));
    // The control character U+0001 cannot appear in XML 1.0 and is dropped; the rest round-trips.
    expect(suites.testsuite[0].testcase[0]['@_classname']).toBe(`arith.a<b>&"c'.nano`);
    expect(xmlEscape('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});
