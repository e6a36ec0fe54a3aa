import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { parseTaskOptions, taskRegistry } from './index.ts';

function usageError(id: string, raw: unknown): UsageError {
  try {
    parseTaskOptions(taskRegistry.get(id), raw);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected options ${JSON.stringify(raw)} of ${id} to be rejected`);
}

describe('task options', () => {
  it('every task documents exactly the options its schema accepts, and parses {} to defaults', () => {
    // The file task has no default path (test/tasks/file-task.test.ts).
    for (const task of taskRegistry.all().filter((t) => t.id !== 'file')) {
      const defaults = parseTaskOptions(task, undefined) as Record<string, unknown>;
      expect(Object.keys(defaults).sort(), task.id).toEqual(Object.keys(task.optionDocs).sort());
      for (const [name, doc] of Object.entries(task.optionDocs)) {
        expect(doc.doc.length, `${task.id}.${name}`).toBeGreaterThan(10);
        expect(doc.range, `${task.id}.${name}`).toBeTruthy();
      }
    }
  });

  it('registers the three product tasks and the engine-test task', () => {
    expect(taskRegistry.ids().sort()).toEqual(
      ['arithmetic-rationales', 'copy-reverse', 'file', 'identity', 'phonetic-transcription'].sort(),
    );
    expect(() => taskRegistry.get('phonetic-transcriptoin')).toThrow(
      /Did you mean: 'phonetic-transcription'/,
    );
  });

  it('rejects unknown option names with a did-you-mean suggestion', () => {
    const e = usageError('phonetic-transcription', { subrate: 0.2 });
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/task 'phonetic-transcription'/);
    expect(e.message).toMatch(/Unknown option 'subrate'\. Did you mean: 'subRate'/);
  });

  it.each([
    ['phonetic-transcription', { subRate: 1.5 }, 'subRate', /0-1/],
    ['phonetic-transcription', { delRate: -0.1 }, 'delRate', /0-1/],
    ['phonetic-transcription', { subRate: 0.7, delRate: 0.5 }, 'subRate', /subRate \+ delRate/],
    ['phonetic-transcription', { subRate: 0.5, oodNoiseScale: 3 }, 'oodNoiseScale', /oodNoiseScale <= 1/],
    ['phonetic-transcription', { dictionary: 'cmu-2.0' }, 'dictionary', /cmu-3\.0\.0 \| stdlib-0\.2\.3/],
    ['arithmetic-rationales', { minDigits: 0 }, 'minDigits', /integer 1-5/],
    ['arithmetic-rationales', { maxDigits: 0 }, 'maxDigits', /integer 1-5/],
    ['arithmetic-rationales', { operators: ['/'] }, 'operators', /subset of '\+', '-', '\*'/],
    ['arithmetic-rationales', { profiles: ['gold'] }, 'profiles', /no-carry, no-precedence/],
    ['arithmetic-rationales', { maxOperands: 2 }, 'maxOperands', /maxOperands 3/],
    [
      'arithmetic-rationales',
      { heldOutPair: '-*', operators: ['+', '*'] },
      'heldOutPair',
      /not in operators/,
    ],
    ['identity', { probesPerCard: 0 }, 'probesPerCard', /integer 1-5000/],
    ['identity', { oodSupersenses: ['fish'] }, 'oodSupersenses', /plant/],
    ['copy-reverse', { minLetters: 9 }, 'minLetters', /exceeds maxLetters/],
    ['copy-reverse', { trainSize: -1 }, 'trainSize', /integer 0-100000/],
  ])('%s rejects %j naming option %s and its allowed range', (id, raw, option, range) => {
    const e = usageError(id, raw);
    expect(e.message).toContain(`task '${id}'`);
    expect(e.message).toContain(`option '${option}`);
    expect(e.message).toMatch(range);
  });

  it('names the card and field when an identity card misses a field', () => {
    const cards = [
      { name: 'Orca', maker: 'Heron Labs', version: '1', cutoff: '2020' },
      { name: 'Lynx', maker: 'Basalt AI', version: '2', cutoff: '2021', signature: 'Hi.' },
    ];
    const e = usageError('identity', { cards });
    expect(e.message).toContain("option 'cards.0.signature'");
    expect(e.message).toContain("every card needs a 'signature'");
    expect(e.message).toMatch(/Allowed: list of 2-12 cards \{name, maker, version, cutoff, signature\}/);
  });

  it('rejects cards that string matching could not tell apart', () => {
    const card = (name: string, maker: string, version: string) => ({
      name,
      maker,
      version,
      cutoff: version,
      signature: name,
    });
    expect(
      usageError('identity', { cards: [card('Heron', 'Orca Labs', '1'), card('Lynx', 'Heron Labs', '2')] })
        .message,
    ).toMatch(/'Heron' occurs in card 1's maker 'Heron Labs'/);
    expect(
      usageError('identity', { cards: [card('Orca', 'A Labs', '1'), card('orca', 'B Labs', '2')] }).message,
    ).toMatch(/share the name/);
    expect(usageError('identity', { cards: [card('Orca', 'A Labs', '1')] }).message).toMatch(
      /option 'cards'/,
    );
    // A shared generic word ("Labs") is fine: whole maker strings still differ.
    expect(() =>
      parseTaskOptions(taskRegistry.get('identity'), {
        cards: [card('Orca', 'Heron Labs', '1'), card('Lynx', 'Basalt Labs', '2')],
      }),
    ).not.toThrow();
  });
});
