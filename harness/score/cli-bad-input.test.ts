import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliConcurrent } from '../../test/helpers/cli.ts';
import { inputFolder, responseRow } from './testing/input-files.ts';

/**
 * `distill-bench score` on bad input, through the real CLI process: exit code 2, one message on
 * stderr that names the file, the line and the field, no stack trace, and no run directory left
 * behind. (Duplicate rows: read-inputs.test.ts; an unreachable judge: score-judge.test.ts.)
 * The cases run concurrently: each is a separate CLI process, most of whose time is start-up.
 */

const { dir, file } = inputFolder('score-cli-bad-');
const row = responseRow;

async function expectBadInput(args: string[], out: string, ...expected: string[]) {
  const r = await cliConcurrent(['score', ...args, '--out', out]);
  expect(r.code, r.stderr).toBe(2);
  for (const e of expected) expect(r.stderr).toContain(e);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(out, 'manifest.json'))).toBe(false);
}

describe.concurrent('score CLI: bad input exits 2 naming file, line and field', () => {
  it('a CSV without the response column', async () => {
    const p = file('nocol.csv', 'prompt_id,prompt,model,answer\np1,Q,a,x\n');
    await expectBadInput(
      [p, '--reference-model', 'a'],
      join(dir, 'o1'),
      `${p}:1: field 'response': missing column`,
      'header has: prompt_id, prompt, model, answer',
    );
  });

  it('a JSONL row without the model field', async () => {
    const p = file(
      'nofield.jsonl',
      [row({}), JSON.stringify({ prompt_id: 'p2', prompt: 'Q', response: 'x' })].join('\n'),
    );
    await expectBadInput([p, '--reference-model', 'a'], join(dir, 'o2'), `${p}:2: field 'model': is missing`);
  });

  it('a model with probe rows but no card, when ICE is requested', async () => {
    const p = file(
      'probes.jsonl',
      [
        row({}),
        row({ model: 'b' }),
        row({ prompt_id: 'i1', probe: 'q1' }),
        row({ model: 'b', prompt_id: 'i1', probe: 'q1' }),
      ].join('\n'),
    );
    const cards = file('cards.yaml', 'cards:\n  - {model: a, name: Ayla, maker: Acme}\n');
    await expectBadInput(
      [p, '--reference-model', 'a', '--cards', cards],
      join(dir, 'o3'),
      `${p}:4: field 'model': 'b' has identity-probe rows but no card in ${cards}`,
      'Fix: add a card {model: b, name, maker}',
    );
  });

  it('a card without a maker: the cards file, its line and the field path', async () => {
    const p = file('ok.jsonl', [row({}), row({ prompt_id: 'i1', probe: 'q1' })].join('\n'));
    const cards = file('nomaker.yaml', 'cards:\n  - model: a\n    name: Ayla\n');
    await expectBadInput(
      [p, '--reference-model', 'a', '--cards', cards],
      join(dir, 'o4'),
      `${cards}:2: field 'cards.0.maker': is missing`,
    );
  });
});
