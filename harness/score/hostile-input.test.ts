import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliConcurrent } from '../../test/helpers/cli.ts';
import { UsageError } from '../errors.ts';
import { readResponses } from './read-responses.ts';
import { runScore } from './score.ts';
import { forSimilarity, MAX_SIMILARITY_CHARS } from './similarity-cap.ts';
import { inputFolder, responseRow as row } from './testing/input-files.ts';

/** Issue 15's score-input defects, each through the code path a user reaches. */

const { dir, file } = inputFolder('score-hostile-');

function errorOf(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe.concurrent('score: hostile input', () => {
  it("D8: models named '__proto__' and 'constructor' are models like any other", async () => {
    const p = file(
      'proto.jsonl',
      [
        row({ model: '__proto__', response: 'a b c' }),
        row({ model: 'constructor', response: 'a b d' }),
        row({ model: 'toString', response: 'a b c', dataset: '__proto__' }),
      ].join('\n'),
    );
    const out = join(dir, 'proto-run');
    const res = await runScore({
      responses: p,
      referenceModel: '__proto__',
      out,
      report: false,
      log: () => {},
    });
    // Pairwise ROUGE-L between 'a b c' and 'a b d': LCS 2 of 3 tokens each way, F1 = 2/3.
    const pair = res.values.filter((v) => v.metric === 'homogenization-pairwise' && v.task === 'default');
    expect(pair.map((v) => [v.model, v.value])).toEqual([
      ['__proto__', 2 / 3],
      ['constructor', 2 / 3],
    ]);
    const json = JSON.parse(readFileSync(join(out, 'score.json'), 'utf8'));
    expect(Object.keys(json.perModel)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.keys(json.perModel.toString.datasets)).toEqual(['__proto__']);
  });

  it('D15: two 1 MB responses are scored in seconds, similarity on the first MAX_SIMILARITY_CHARS', async () => {
    const big = (w: string) => Array.from({ length: 300_000 }, (_, i) => `${w}${i % 97}`).join(' ');
    const a = big('x');
    // The same first 20,000 characters, then other words: the cut makes the two identical.
    const b = a.slice(0, 20_000) + big('y').slice(20_000);
    expect(Math.min(a.length, b.length)).toBeGreaterThan(1_000_000);
    const p = file(
      'big.jsonl',
      [row({ model: 'a', response: a }), row({ model: 'b', response: b })].join('\n'),
    );
    const res = await runScore({
      responses: p,
      referenceModel: 'a',
      out: join(dir, 'big-run'),
      report: false,
      log: () => {},
    });
    // Identical prefixes: ROUGE-L 1 exactly.
    expect(
      res.values.find((v) => v.model === 'b' && v.task === 'default' && v.metric === 'rse-rougeL')?.value,
    ).toBe(1);
    expect(res.warnings.join('\n')).toMatch(/2 response\(s\) are longer than 10000 characters/);
    expect(forSimilarity(a)).toHaveLength(MAX_SIMILARITY_CHARS);
    // A surrogate pair at the cut is dropped whole, not halved.
    const emoji = `${'x'.repeat(MAX_SIMILARITY_CHARS - 1)}😀tail`;
    expect(forSimilarity(emoji)).toBe('x'.repeat(MAX_SIMILARITY_CHARS - 1));
  });

  it('D25: Latin-1 input is refused naming the file, line and byte (not silent U+FFFD)', () => {
    const p = join(dir, 'latin1.csv');
    writeFileSync(p, Buffer.from('prompt_id,prompt,model,response\np1,Caf\xe9,a,x\n', 'latin1'));
    const e = errorOf(() => readResponses(p));
    expect(e.message).toBe(
      `${p}:2: not valid UTF-8 (byte 0xe9 at offset 38). Fix: save the file as UTF-8, e.g. \`iconv -f latin1 -t utf-8 in.csv > out.csv\`.`,
    );
  });

  it('D25: a CSV with the response column twice is refused', () => {
    const p = file('dup.csv', 'prompt_id,prompt,model,response,response\np1,Q,a,x,y\n');
    expect(errorOf(() => readResponses(p)).message).toBe(
      `${p}:1: field 'response': the header names column 'response' twice (columns 4 and 5). Fix: rename or remove one of them.`,
    );
  });

  it('D25: CSV syntax errors name the line and say how to fix it', () => {
    const p = file('quote.csv', 'prompt_id,prompt,model,response\np1,Q"x,a,x\n');
    expect(errorOf(() => readResponses(p)).message).toMatch(
      new RegExp(
        `^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not valid CSV .*Fix: quote the whole field`,
      ),
    );
    const q = file('cells.csv', 'prompt_id,prompt,model,response\np1,Q,a,x,extra\n');
    expect(errorOf(() => readResponses(q)).message).toMatch(
      /:2: not valid CSV .*Fix: every row needs as many cells as the header/,
    );
  });

  it('D22: a response file with a UTF-8 BOM reads like one without', () => {
    const p = file('bom.jsonl', `\uFEFF${row({})}\n`);
    expect(readResponses(p).rows[0].promptId).toBe('p1');
  });

  it('D17: a directory given as the response file: exit-2 message naming it', () => {
    const e = errorOf(() => readResponses(dir));
    expect(e.message).toBe(`${dir}: is a directory, not an input file. Fix: give the path of a file.`);
  });

  it('D26: control characters in model names never reach the terminal', async () => {
    const evil = 'm\u001b]0;pwned\u0007\u001b[2J\u202e';
    const p = file('ctl.jsonl', [row({ model: 'a' }), row({ model: evil, response: 'B.' })].join('\n'));
    const ok = await cliConcurrent([
      'score',
      p,
      '--reference-model',
      'a',
      '--out',
      join(dir, 'ctl-run'),
      '--no-report',
    ]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.stdout).toContain('m\\x1b]0;pwned\\x07\\x1b[2J\\u202e');
    // Also in an error message quoting the names (unknown reference model).
    const bad = await cliConcurrent(['score', p, '--reference-model', 'zz', '--out', join(dir, 'ctl-run2')]);
    expect(bad.code).toBe(2);
    const controls = [...ok.out, ...bad.out].filter((c) => {
      const n = c.charCodeAt(0);
      return (n < 0x20 && c !== '\n') || (n >= 0x7f && n <= 0x9f) || c === '\u202e';
    });
    expect(controls).toEqual([]);
  });
});
