import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTask } from '../../harness/tasks/file-task.ts';
import { cli, tmp } from '../helpers/cli.ts';

const dir = tmp('db-file-task-');
const put = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const parse = (options: Record<string, unknown>) =>
  fileTask.options.parse(fileTask.prepareOptions!(options, dir));
const fails = (options: Record<string, unknown>) => {
  try {
    parse(options);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('file task', () => {
  it('reads JSONL; rows without a response are transfer prompts; seeded fractions split the rest', () => {
    const rows = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ q: `p${i}`, a: i < 2 ? '' : `r${i}` }),
    );
    put('a.jsonl', `${rows.join('\n')}\n`);
    const o = parse({
      path: 'a.jsonl',
      fields: { prompt: 'q', response: 'a' },
      testFraction: 0.25,
      validFraction: 0,
    });
    const d = fileTask.generate(o, 1);
    expect(d.extra!.transfer.map((e) => e.prompt)).toEqual(['p0', 'p1']);
    expect(d.splits.test).toHaveLength(2); // round(8 * 0.25)
    expect(d.splits.train).toHaveLength(6);
    expect(fileTask.generate(o, 1)).toEqual(d);
    const all = [...d.splits.train, ...d.splits.test].map((e) => e.prompt).sort();
    expect(all).toEqual(['p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    expect(o.path).toBe(join(dir, 'a.jsonl'));
  });

  it('takes splits from a split column of a CSV', () => {
    put('b.csv', 'w,r,s\nab,ba,train\ncd,dc,test\n"e,f","f,e",ood\n');
    const d = fileTask.generate(
      parse({ path: 'b.csv', fields: { prompt: 'w', response: 'r', split: 's' } }),
      3,
    );
    expect(d.splits.train.map((e) => e.prompt)).toEqual(['ab']);
    expect(d.splits.test.map((e) => e.response)).toEqual(['dc']);
    expect(d.splits.ood.map((e) => e.prompt)).toEqual(['e,f']);
  });

  it('names the line of a missing prompt, an empty prompt and a duplicate id', () => {
    put('c.jsonl', '{"prompt":"a","response":"b","id":"1"}\n{"response":"x","id":"2"}\n');
    expect(fails({ path: 'c.jsonl' })).toContain("c.jsonl:2: missing field 'prompt'");
    put('d.jsonl', '{"prompt":"a","response":"b"}\n\n{"prompt":"  ","response":"x"}\n');
    expect(fails({ path: 'd.jsonl' })).toContain('d.jsonl:3: empty prompt');
    put('e.jsonl', '{"prompt":"a","response":"b","id":"k"}\n{"prompt":"c","response":"d","id":"k"}\n');
    expect(fails({ path: 'e.jsonl', fields: { id: 'id' } })).toContain(
      "e.jsonl:2: duplicate id 'k' (first on line 1)",
    );
  });

  it('says by how much a row exceeds the context and what to set', () => {
    put('f.jsonl', `{"prompt":"${'a'.repeat(10)}","response":"${'b'.repeat(12)}"}\n`);
    const m = fails({ path: 'f.jsonl', maxLength: 16 });
    expect(m).toContain('f.jsonl:1: prompt + response is 22 characters, 6 more');
    expect(m).toContain('set the task option maxLength: 22');
  });

  it("suggests the file's columns for an unknown field name", () => {
    put('g.csv', 'question,answer\nq,a\n');
    expect(fails({ path: 'g.csv', fields: { prompt: 'questoin', response: 'answer' } })).toContain(
      "fields.prompt: Unknown column 'questoin'. Did you mean: 'question'?",
    );
  });

  it('rejects non-UTF-8 bytes and ragged CSV rows with their line', () => {
    put(
      'h.jsonl',
      Buffer.concat([
        Buffer.from('{"prompt":"a","response":"b"}\n{"prompt":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}\n'),
      ]),
    );
    expect(fails({ path: 'h.jsonl' })).toContain('h.jsonl:2: not UTF-8');
    put('i.csv', 'prompt,response\na,b\nc,d,e\n');
    expect(fails({ path: 'i.csv' })).toContain('i.csv:3: 3 field(s) but the header has 2');
  });

  it('a missing file is exit 2 from the CLI, and nothing is written', () => {
    put(
      's.yaml',
      'name: x\ntasks: [{ id: file, options: { path: nope.jsonl } }]\nstudents: [{ id: s, model: nano }]\ntechniques: [none]\nseeds: [1]\ntraining: { steps: 2 }\n',
    );
    const out = join(dir, 'run');
    const r = cli(['run', join(dir, 's.yaml'), '--out', out, '--workers', '0', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'nope.jsonl')}: cannot read (ENOENT)`);
    expect(existsSync(out)).toBe(false);
  });
});
