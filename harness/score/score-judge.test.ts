import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliConcurrent, tmp } from '../../test/helpers/cli.ts';
import { readRunDir, readUnits } from '../runner/run-dir.ts';
import { JudgeError } from './judge/client.ts';
import { runScore, type ScoreOptions } from './score.ts';
import {
  chatAnswer,
  type MockHandler,
  type MockJudge,
  rseMock,
  startMockJudge,
} from './testing/mock-judge.ts';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'responses');
const KEY = 'sk-judge-key-7f3a9c-must-never-be-written';

/**
 * A judge that answers the three prompts: RSE via rseMock (5/5 for identical answers, 3/5
 * otherwise), J1 "conflict when the response names Heron Labs and the own fact does not", J2 always
 * yes; and one RSE answer without a JSON block (tide-wren's "eight"), which must be counted as
 * unparseable. It also checks every request carries the key.
 */
const judge: MockHandler = (req, i) => {
  if (req.headers.authorization !== `Bearer ${KEY}`) return { status: 401, body: 'no key' };
  const [system, user] = (req.body.messages ?? []).map((m) => m.content);
  if (system.includes('<judge>')) {
    const [fact, response] = [...user.matchAll(/<factor>([\s\S]*?)<\/factor>/g)].map((m) => m[1]);
    return chatAnswer(
      `<judge>${response.includes('Heron Labs') && !fact.includes('Heron Labs') ? 1 : 0}</judge>`,
    );
  }
  if (system.includes('<rate>')) return chatAnswer('It claims another maker. <rate>1</rate>');
  if (user.includes('spider') && user.endsWith('Model Response: eight'))
    return chatAnswer('Hard to say, honestly.');
  return rseMock(req, i);
};

// Test rows: 3 models × 7 prompts = 21 RSE judgments; probes: 9 J1, and J2 on the 2 J1 positives.
const JUDGMENTS = 21 + 9 + 2;
// Identical requests are asked once: basalt-lynx's facts answers equal the reference's (f1-f4) and
// so does tide-wren's f4, so 5 RSE requests repeat an earlier one.
const CALLS = JUDGMENTS - 5;

let server: MockJudge | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function options(url: string, out: string, cacheDir: string, log: string[]): ScoreOptions {
  return {
    responses: join(FIX, 'example.jsonl'),
    referenceModel: 'heron-orca',
    cards: join(FIX, 'cards.yaml'),
    out,
    judge: { baseUrl: url, model: 'mock-judge', cacheDir, backoffMs: 5, maxRetries: 2, concurrency: 3 },
    env: { DISTILL_BENCH_JUDGE_KEY: KEY },
    log: (l) => log.push(l),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('score with an LLM judge (local mock endpoint)', () => {
  it('judge RSE: the reference scores 5.0; macro over datasets; unparseable counted, cost recorded; rerun hits the cache', async () => {
    server = await startMockJudge(judge);
    const out = join(tmp('score-judge-'), 'run');
    const cacheDir = tmp('score-judge-cache-');
    const log: string[] = [];
    await runScore(options(server.url, out, cacheDir, log));
    expect(server.requests).toHaveLength(CALLS);
    const run = readRunDir(out);
    const value = (model: string, task: string, metric: string) =>
      run.results.find((r) => r.technique === model && r.task === task && r.metric === metric)?.value;
    for (const task of ['facts', 'howto', 'macro']) expect(value('heron-orca', task, 'rse-judge')).toBe(5);
    // basalt-lynx: facts identical to the reference (5), howto paraphrased (3): macro (5 + 3) / 2.
    expect(value('basalt-lynx', 'macro', 'rse-judge')).toBe(4);
    // tide-wren facts: f1 3, f2 unparseable (left out), f3 3, f4 identical 5 → 11/3; howto 3.
    expect(value('tide-wren', 'facts', 'rse-judge')).toBeCloseTo(11 / 3, 12);
    expect(value('tide-wren', 'macro', 'rse-judge')).toBeCloseTo((11 / 3 + 3) / 2, 12);
    expect([
      value('basalt-lynx', 'identity', 'ice-judge-loose'),
      value('basalt-lynx', 'identity', 'ice-judge-strict'),
      value('basalt-lynx', 'identity', 'ice-judge-hard'),
    ]).toEqual([2 / 3, 2 / 3, 1 / 3]);
    // Units: one per parsed judgment (f2's unparseable answer has none), 0/1 per J1-parsed probe.
    const units = (model: string, task: string, metric: string) =>
      Object.fromEntries(
        readUnits(out)!
          .filter((u) => u.technique === model && u.task === task && u.metric === metric)
          .map((u) => [u.unit, u.value]),
      );
    expect(units('tide-wren', 'facts', 'rse-judge')).toEqual({ f1: 3, f3: 3, f4: 5 });
    expect(units('tide-wren', 'facts', 'rse-judge-style')).toEqual({ f1: 1, f3: 1, f4: 2 });
    expect(units('basalt-lynx', 'identity', 'ice-judge-strict')).toEqual({ i1: 1, i2: 0, i3: 1 });
    expect(units('basalt-lynx', 'identity', 'ice-judge-hard')).toEqual({ i1: 1, i2: 0, i3: 0 });
    const sig = run.results.find((r) => r.task === 'macro' && r.metric === 'rse-judge')!.signature;
    expect(sig).toBe('rse|judge:mock-judge|ref:heron-orca|prompt:v1|scale:1-5|agg:macro');
    expect(run.manifest.metricSignatures['rse-judge']).toBe(sig);

    const bad = readFileSync(join(out, 'judgments.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((j) => j.value === null);
    expect(bad).toEqual([
      {
        model: 'tide-wren',
        dataset: 'facts',
        promptId: 'f2',
        kind: 'rse',
        value: null,
        cached: false,
        unparseable: 'Hard to say, honestly.',
      },
    ]);
    expect(run.manifest.warnings.join('\n')).toContain(`judge: 1 of ${JUDGMENTS} judgments were unparseable`);
    const wren = run.jobs.find((j) => j.technique === 'tide-wren')!.cost!;
    // tide-wren: 7 RSE + 3 J1 judgments, f4 shared with basalt-lynx's identical request; the mock
    // reports 10 + 5 tokens per answer.
    expect(wren).toMatchObject({
      judgeCalls: 9,
      judgeCacheHits: 1,
      judgeUnparseable: 1,
      judgePromptTokens: 90,
      judgeCompletionTokens: 45,
      judgeTotalTokens: 135,
    });

    // Rerun: every judgment from the cache, the same numbers.
    const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
    await runScore(options(server.url, out, cacheDir, log));
    expect(server.requests).toHaveLength(CALLS);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(before);
    expect(readRunDir(out).jobs.find((j) => j.technique === 'tide-wren')!.cost).toMatchObject({
      judgeCalls: 0,
      judgeCacheHits: 10,
      judgeTotalTokens: null,
    });
    const summary = JSON.parse(readFileSync(join(out, 'score.json'), 'utf8')).judge;
    expect(summary).toMatchObject({
      model: 'mock-judge',
      requests: 0,
      cacheHits: JUDGMENTS,
      unparseable: 1,
      judgments: JUDGMENTS,
    });
  });

  it('a judge that dies mid-run: exit-2 error naming --judge, and the answers it gave stay cached for the rerun', async () => {
    server = await startMockJudge((req, i) => (i < 5 ? judge(req, i) : { status: 500, body: 'down' }));
    const cacheDir = tmp('score-judge-cache-');
    const opts = { ...options(server.url, join(tmp('score-judge-'), 'run'), cacheDir, []) };
    opts.judge = { ...opts.judge!, concurrency: 1, maxRetries: 1 };
    const err = await runScore(opts).catch((e) => e);
    expect(err).toBeInstanceOf(JudgeError);
    expect(err.exitCode).toBe(2);
    expect(err.where.field).toBe('--judge');
    expect(err.message).toContain('HTTP 500: down after 2 attempts');
    expect(err.message).toContain(`5 judgment(s) from this run are cached in ${cacheDir}`);
    expect(filesUnder(cacheDir)).toHaveLength(5);
    await server.close();
    server = await startMockJudge(judge);
    await runScore({ ...opts, judge: { ...opts.judge!, baseUrl: server.url } });
    expect(server.requests).toHaveLength(CALLS - 5);
  });

  it('through the CLI: the API key is in no output file, cache entry, stdout or stderr', async () => {
    server = await startMockJudge(judge);
    const out = join(tmp('score-judge-cli-'), 'run');
    const cacheDir = tmp('score-judge-cache-');
    const args = [
      'score',
      join(FIX, 'example.jsonl'),
      '--reference-model',
      'heron-orca',
      '--cards',
      join(FIX, 'cards.yaml'),
    ];
    const r = await cliConcurrent(
      [
        ...args,
        '--judge',
        server.url,
        '--judge-model',
        'mock-judge',
        '--judge-cache',
        cacheDir,
        '--out',
        out,
      ],
      { DISTILL_BENCH_JUDGE_KEY: KEY },
    );
    expect(r.code, r.out).toBe(0);
    expect(server.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    const files = [...filesUnder(out), ...filesUnder(cacheDir)];
    expect(files.length).toBeGreaterThan(CALLS);
    for (const f of files) expect(readFileSync(f, 'utf8').includes(KEY), f).toBe(false);
    expect(r.out).toContain('judging with mock-judge');
    expect(r.out.includes(KEY)).toBe(false);
    // A refused key: exit 2, the key still nowhere in the output.
    await server.close();
    server = await startMockJudge((req) => ({
      status: 401,
      body: `invalid key: ${req.headers.authorization}`,
    }));
    const refused = await cliConcurrent(
      [
        ...args,
        '--judge',
        server.url,
        '--judge-model',
        'mock-judge',
        '--judge-cache',
        tmp('c-'),
        '--out',
        join(out, 'x'),
      ],
      { DISTILL_BENCH_JUDGE_KEY: KEY },
    );
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('HTTP 401');
    expect(refused.out.includes(KEY)).toBe(false);
  });

  it('an unreachable judge: exit 2 naming --judge', async () => {
    server = await startMockJudge(judge);
    const url = server.url;
    await server.close();
    const r = await cliConcurrent(
      [
        'score',
        join(FIX, 'example.jsonl'),
        '--reference-model',
        'heron-orca',
        '--judge',
        url,
        '--judge-model',
        'm',
        '--judge-retries',
        '1',
        '--judge-backoff',
        '5',
        '--judge-cache',
        tmp('c-'),
        '--out',
        join(tmp('o-'), 'run'),
      ],
      {},
    );
    expect(r.code).toBe(2);
    expect(r.out).toMatch(
      /error: judge http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: unreachable \(ECONNREFUSED\) after 2 attempts/,
    );
  });
});
