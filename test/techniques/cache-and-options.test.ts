import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { UsageError } from '../../harness/errors.ts';
import { parseOptions } from '../../harness/options.ts';
import { techniqueRegistry } from '../../harness/techniques/index.ts';
import { toyContext, toyTeacher } from '../helpers/toy-context.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

const parse = (id: string, raw: unknown) => {
  const t = techniqueRegistry.get(id);
  return parseOptions('technique', id, t.options, raw, t.optionDocs);
};

describe('technique options', () => {
  it('fill documented defaults', () => {
    expect(parse('soft-label', {})).toEqual({
      temperature: 2,
      alpha: 0.5,
      divergence: 'forward-kl',
      beta: 0.5,
      maxNewTokens: 96,
    });
    expect(parse('on-policy', {})).toMatchObject({ lambda: 0.5, beta: 0.5 });
  });

  it('reject T <= 0 and alpha outside [0,1], naming technique, option and range', () => {
    expect(() => parse('soft-label', { temperature: 0 })).toThrow(UsageError);
    expect(() => parse('soft-label', { temperature: 0 })).toThrow(
      /technique 'soft-label', option 'temperature' = 0: .*Allowed: \(0, 100\]/,
    );
    expect(() => parse('soft-label', { alpha: 1.5 })).toThrow(/option 'alpha' = 1.5: .*Allowed: \[0, 1\]/);
  });

  it('reject unknown options and techniques with did-you-mean', () => {
    expect(() => parse('soft-label', { temprature: 2 })).toThrow(
      /Unknown option 'temprature'. Did you mean: 'temperature'/,
    );
    expect(() => techniqueRegistry.get('soft-lable')).toThrow(
      /Unknown technique 'soft-lable'. Did you mean: 'soft-label'/,
    );
  });
});

describe('teacher cache', () => {
  it('a second request for the same teacher trains nothing and logs a hit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-cache-'));
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const a = await toyTeacher('copy', dir, log);
    const b = await toyTeacher('copy', dir, log);
    expect(lines[0]).toMatch(/training 150 steps \(cache miss/);
    expect(lines[1]).toMatch(/cache hit/);
    expect(b.key).toBe(a.key);
    expect(Array.from(b.model.weights.get('head.w')!.dataSync())).toEqual(
      Array.from(a.model.weights.get('head.w')!.dataSync()),
    );
    // Generations are cached on disk too: the second handle decodes nothing new.
    const prompts = ['abc', 'fed'];
    expect(await b.respond(prompts, 5)).toEqual(await a.respond(prompts, 5));
  });
});

describe('conversational', () => {
  it('the hard-item share falls across rounds', async () => {
    const gold = await toyTeacher('gold');
    const r = await techniqueRegistry
      .get('conversational')
      .train(toyContext([gold], 90), { rounds: 3, poolSize: 120, imitationShare: 0.1, maxNewTokens: 5 });
    const share = r.cost.extra!.hardItemShare as number[];
    expect(share).toHaveLength(3);
    expect(share[0]).toBeGreaterThan(0);
    expect(share[2]).toBeLessThan(share[0]);
  });
});
