import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/helpers/cli.ts';
import { UsageError } from '../errors.ts';
import { readCards } from './read-cards.ts';
import { readResponses } from './read-responses.ts';
import { runScore } from './score.ts';
import { inputFolder, responseRow } from './testing/input-files.ts';

const { dir, file } = inputFolder('score-input-');
const row = responseRow;
const usage = (f: () => unknown): UsageError => {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
};
const usageAsync = async (p: Promise<unknown>): Promise<UsageError> => {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  if (e instanceof UsageError) return e;
  throw new Error(`expected a UsageError, got ${e}`);
};

describe('score input: every problem names file, line and field', () => {
  it('reads JSONL and CSV (quoted multi-line cells keep later line numbers right)', () => {
    const jsonl = readResponses(
      file('ok.jsonl', `${row({})}\n\n${row({ model: 'b', prompt_id: 7, reference: 'A.' })}\n`),
    );
    expect(jsonl.rows.map((r) => [r.line, r.promptId, r.model, r.dataset, r.reference])).toEqual([
      [1, 'p1', 'a', 'default', undefined],
      [3, '7', 'b', 'default', 'A.'],
    ]);
    const csv = readResponses(
      file('ok.csv', 'prompt_id,prompt,model,response,probe\np1,"two\nlines",a,x,\np2,Q,a,y,q1\n'),
    );
    expect(csv.rows.map((r) => [r.line, r.prompt, r.probe])).toEqual([
      [2, 'two\nlines', undefined],
      [4, 'Q', 'q1'],
    ]);
  });

  it('CSV without a required column: line 1, that field', () => {
    const p = file('nocol.csv', 'prompt_id,prompt,model\np1,Q,a\n');
    const e = usage(() => readResponses(p));
    expect(e.where).toEqual({ file: p, line: 1, field: 'response' });
    expect(e.message).toContain(`${p}:1: field 'response': missing column`);
  });

  it('JSONL: missing field, wrong type and broken JSON are listed together with their lines', () => {
    const p = file(
      'bad.jsonl',
      [
        row({}),
        '{"prompt_id": "p2", "prompt": "Q", "model": "a"}',
        row({ prompt_id: 'p3', model: 5 }),
        '{not json',
      ].join('\n'),
    );
    const e = usage(() => readResponses(p));
    expect(e.where).toEqual({ file: p, line: 2, field: 'response' });
    expect(e.message).toContain(`${p}:2: field 'response': is missing`);
    expect(e.message).toContain(`${p}:3: field 'model':`);
    expect(e.message).toContain(`${p}:4: not valid JSON`);
    expect(e.message).toContain('3 problems');
  });

  it('duplicate (prompt_id, model): the second line, naming the first', () => {
    const p = file('dup.jsonl', [row({}), row({ model: 'b' }), row({ response: 'again' })].join('\n'));
    const e = usage(() => readResponses(p));
    expect(e.where).toEqual({ file: p, line: 3, field: 'prompt_id' });
    expect(e.message).toContain(
      "duplicate (prompt_id, model) = ('p1', 'a') in dataset 'default', first on line 1",
    );
    // The same prompt id in another dataset is another prompt.
    expect(
      readResponses(file('dup-ok.jsonl', [row({}), row({ dataset: 'other' })].join('\n'))).rows,
    ).toHaveLength(2);
  });

  it("the dataset name 'macro' is reserved for the macro average", () => {
    const p = file('macro.jsonl', row({ dataset: 'macro' }));
    expect(usage(() => readResponses(p)).where).toEqual({ file: p, line: 1, field: 'dataset' });
  });

  it('cards: missing maker is reported at the card, in every accepted shape', () => {
    const list = file(
      'cards.yaml',
      'cards:\n  - model: a\n    name: A\n    maker: MA\n  - model: b\n    name: B\n',
    );
    const e = usage(() => readCards(list));
    expect(e.where).toEqual({ file: list, line: 5, field: 'cards.1.maker' });
    expect(e.message).toContain('is missing');
    const map = file(
      'cards.json',
      '{\n  "a": {"name": "A", "maker": "MA"},\n  "b": {"name": "B", "maker": ""}\n}\n',
    );
    expect(usage(() => readCards(map)).where).toEqual({ file: map, line: 3, field: 'b.maker' });
    expect(
      readCards(file('cards-list.json', '[{"model": "a", "name": "A", "maker": "MA", "country": "X"}]'))
        .cards,
    ).toEqual([{ model: 'a', name: 'A', maker: 'MA', country: 'X' }]);
    const dup = file('dup-cards.yaml', '- {model: a, name: A, maker: M}\n- {model: a, name: B, maker: N}\n');
    expect(usage(() => readCards(dup)).message).toContain("model 'a' has a card already (line 1)");
  });

  it('a model with probe rows but no card, when ICE is requested: its first probe line, field model', async () => {
    const p = file(
      'probes.jsonl',
      [
        row({}),
        row({ prompt_id: 'i1', probe: 'q1' }),
        row({ model: 'b' }),
        row({ model: 'b', prompt_id: 'i1', probe: 'q1' }),
      ].join('\n'),
    );
    const cards = file('only-a.yaml', '- {model: a, name: A, maker: MA}\n');
    const e = await usageAsync(
      runScore({
        responses: p,
        referenceModel: 'a',
        cards,
        out: join(dir, 'o1'),
        report: false,
        log: () => {},
      }),
    );
    expect(e.where).toEqual({ file: p, line: 4, field: 'model' });
    expect(e.message).toContain(`'b' has identity-probe rows but no card in ${cards}`);
  });

  it('an unknown reference model suggests the close name', async () => {
    const p = file('ref.jsonl', [row({ model: 'heron-orca' }), row({ model: 'tide-wren' })].join('\n'));
    const e = await usageAsync(
      runScore({
        responses: p,
        referenceModel: 'heron-orka',
        out: join(dir, 'o2'),
        report: false,
        log: () => {},
      }),
    );
    expect(e.where?.field).toBe('--reference-model');
    expect(e.message).toContain("Did you mean: 'heron-orca'");
  });

  it('refuses to write into a training run directory', async () => {
    const runDir = join(dir, 'training-run');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(
      join(runDir, 'manifest.json'),
      JSON.stringify({ schemaVersion: 1, suite: { name: 'smoke' } }),
    );
    const p = file('one.jsonl', row({}));
    const e = await usageAsync(
      runScore({ responses: p, referenceModel: 'a', out: runDir, report: false, log: () => {} }),
    );
    expect(e.where?.field).toBe('--out');
    expect(e.message).toContain("holds a run of 'smoke'");
  });

  it('through the CLI: exit 2, the location in the message, no stack trace', () => {
    const p = file('cli-dup.jsonl', [row({}), row({})].join('\n'));
    const r = cli(['score', p, '--reference-model', 'a', '--out', join(dir, 'cli-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${p}:2: field 'prompt_id': duplicate`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const half = cli(['score', p, '--reference-model', 'a', '--judge', 'http://127.0.0.1:9/v1']);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--judge-model is required with --judge');
  });
});
