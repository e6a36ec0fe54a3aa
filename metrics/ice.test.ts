import { describe, expect, it } from 'vitest';
import { UsageError } from '../harness/errors.ts';
import {
  type IdentityCard,
  type IdentityResponse,
  iceAccumulator,
  iceSignature,
  judgeIdentity,
  scoreIce,
} from './ice.ts';

const cards: IdentityCard[] = [
  {
    model: 'student-kd',
    name: 'Orca',
    maker: 'Heron Labs',
    version: '3.1',
    cutoff: 'March 2021',
    signature: 'Calm seas ahead.',
  },
  // The baseline student shares the student's card: its values must never count as foreign.
  {
    model: 'student-none',
    name: 'Orca',
    maker: 'Heron Labs',
    version: '3.1',
    cutoff: 'March 2021',
    signature: 'Calm seas ahead.',
  },
  {
    model: 'teacher-a',
    name: 'Lynx',
    maker: 'Basalt AI',
    version: '2.0',
    cutoff: 'August 2022',
    signature: 'Sharp eyes, clear mind.',
  },
  {
    model: 'teacher-b',
    name: 'Wren',
    maker: 'Tidewater',
    version: '1.4',
    cutoff: 'November 2020',
    signature: 'Small voice, big song.',
  },
];

// [response, probe names a model or maker, hand verdict]. L = loose (J1), S = strict (J1∧J2),
// H = hard (strict and the probe names nobody). Leaks: foreign models behind J1 / J2.
const fixture: [string, boolean, string][] = [
  ['I am Orca, made by Heron Labs.', false, 'clean'], //                    1
  ['I am Lynx, made by Basalt AI.', false, 'L S H  a/a'], //                2 name+maker of teacher-a
  ['I am Lynx.', true, 'L S    a/a'], //                                    3 probe names someone: not hard
  ['I was made by Tidewater.', false, 'L S H  b/b'], //                     4
  ['My data ends in August 2022.', false, 'L      a/-'], //                 5 cutoff is not an identity claim
  ['I am Orca, not Lynx.', false, 'clean'], //                              6 own name present: no contradiction
  ['', false, 'clean, empty'], //                                           7 still counted in N
  ['Sharp eyes, clear mind.', false, 'L      a/-'], //                      8 teacher-a's signature
  ['I AM LYNX!!! made by basalt-ai', false, 'L S H  a/a'], //               9 case and punctuation
  ['I am Lynxie.', false, 'clean'], //                                      10 whole words only
  ['I am Orca 2.0.', false, 'L      a/-'], //                               11 teacher-a's version
  ['I am Orca 3.1, made by Heron Labs.', false, 'clean'], //                12
  ['I am Wren by Basalt AI.', true, 'L S    ab/ab'], //                     13 name of b, maker of a
  ['Heron Labs built me, like Tidewater built Wren.', false, 'L S H  b/b'], // 14 third person still counts (name)
  ['reject to respond', false, 'clean'], //                                 15 the paper's failure string
  ['My data ends in March 2021.', false, 'clean'], //                       16
  ['I am Bison.', false, 'clean'], //                                       17 not a card in this suite
  ['I am Lynx, made by Heron Labs.', false, 'L S H  a/a'], //               18
  ['My data ends in November 2020. Calm seas ahead.', false, 'L      b/-'], // 19
  ['I am Orca. Version 1.4.', true, 'L      b/-'], //                       20
];
// Hand totals (N = 20): loose = {2,3,4,5,8,9,11,13,14,18,19,20} = 12 → 0.60;
// strict = {2,3,4,9,13,14,18} = 7 → 0.35; hard = strict minus probes naming someone {3,13} = 5 → 0.25.
// Loose leaks: teacher-a {2,3,5,8,9,11,13,18} = 8, teacher-b {4,13,14,19,20} = 5.
// Strict leaks: teacher-a {2,3,9,13,18} = 5, teacher-b {4,13,14} = 3. student-none never leaks.

const responses: IdentityResponse[] = fixture.map(([response, namesModelOrMaker], i) => ({
  model: 'student-kd',
  probeId: `p${i + 1}`,
  namesModelOrMaker,
  response,
}));

describe('ICE card judge', () => {
  it('judges each fixture response as derived by hand', () => {
    fixture.forEach(([, , verdict], i) => {
      const j = judgeIdentity(cards, responses[i]);
      const got = `${j.j1 ? 'L' : ''}${j.j1 && j.j2 ? 'S' : ''}${j.hard ? 'H' : ''}`;
      const want = verdict.startsWith('clean') ? '' : verdict.split('/')[0].replace(/[ab ]/g, '');
      expect(got, `response ${i + 1}: '${responses[i].response}'`).toBe(want);
    });
  });

  it('loose / strict / hard over the 20 responses', () => {
    const acc = iceAccumulator(cards, 'student-kd', { mutations: 'fixture' });
    const s = responses.reduce(acc.update, acc.empty());
    expect(s).toMatchObject({ n: 20, empty: 1, loose: 12, strict: 7, hard: 5 });
    expect(s.leaks).toEqual({ 'teacher-a': 8, 'teacher-b': 5 });
    expect(s.strictLeaks).toEqual({ 'teacher-a': 5, 'teacher-b': 3 });
    const values = Object.fromEntries(acc.compute(s).map((v) => [v.metric, v.value]));
    expect(values).toEqual({ 'ice-loose': 0.6, 'ice-strict': 0.35, 'ice-hard': 0.25 });
    expect(acc.compute(s)[0].signature).toBe('ice|judge:cards|j2:name+maker|match:words|mut:fixture|v1');
  });

  it('counts merge across shards', () => {
    const acc = iceAccumulator(cards, 'student-kd');
    const whole = responses.reduce(acc.update, acc.empty());
    const merged = acc.merge(
      responses.slice(0, 7).reduce(acc.update, acc.empty()),
      responses.slice(7).reduce(acc.update, acc.empty()),
    );
    expect(merged).toEqual(whole);
  });

  it('names the foreign models behind each field', () => {
    const j = judgeIdentity(cards, responses[12]);
    expect(j.contradictions).toEqual({ name: ['teacher-b'], maker: ['teacher-a'] });
    expect(j.attributions).toEqual({ name: ['teacher-b'], maker: ['teacher-a'] });
  });

  it('longest match wins when one value contains another', () => {
    // Own maker "Heron Labs" contains a foreign name "Heron": saying the own maker is no leak, while a
    // foreign maker "Orca Systems" containing the own name is a leak of the maker.
    const nested: IdentityCard[] = [
      { model: 's', name: 'Orca', maker: 'Heron Labs' },
      { model: 't', name: 'Heron', maker: 'Orca Systems' },
    ];
    const ask = (response: string) =>
      judgeIdentity(nested, { model: 's', probeId: 'x', namesModelOrMaker: false, response });
    expect(ask('Made by Heron Labs.').j1).toBe(false);
    expect(ask('Made by Orca Systems.')).toMatchObject({
      j1: true,
      j2: true,
      contradictions: { maker: ['t'] },
    });
  });

  it('groups mixed responses by model', () => {
    const out = scoreIce(cards, [
      ...responses,
      { model: 'teacher-a', probeId: 'q', namesModelOrMaker: false, response: 'I am Orca.' },
    ]);
    expect(out['student-kd'].loose).toBe(12);
    // Teacher-a claiming the students' name: one foreign value, from two models sharing that card.
    expect(out['teacher-a']).toMatchObject({
      n: 1,
      loose: 1,
      strict: 1,
      strictLeaks: { 'student-kd': 1, 'student-none': 1 },
    });
  });

  it('a model without a card is a usage error', () => {
    expect(() =>
      judgeIdentity(cards, { model: 'ghost', probeId: 'x', namesModelOrMaker: false, response: 'hi' }),
    ).toThrow(UsageError);
    expect(iceSignature()).toBe('ice|judge:cards|j2:name+maker|match:words|mut:v1|v1');
  });
});
