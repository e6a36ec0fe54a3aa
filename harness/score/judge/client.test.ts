import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tmp } from '../../../test/helpers/cli.ts';
import { chatAnswer, type MockJudge, startMockJudge } from '../testing/mock-judge.ts';
import { chatCompletionsUrl, displayUrl, JudgeClient, JudgeError } from './client.ts';
import type { ChatMessage } from './prompts.ts';

const KEY = 'sk-test-0123456789-secret-do-not-leak';
const msgs = (text: string): ChatMessage[] => [
  { role: 'system', content: 'You judge.' },
  { role: 'user', content: text },
];

let server: MockJudge | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, over: Partial<ConstructorParameters<typeof JudgeClient>[0]> = {}) {
  return new JudgeClient({
    baseUrl: url,
    model: 'judge-m',
    apiKey: KEY,
    cacheDir: tmp('judge-cache-'),
    backoffMs: 20,
    maxBackoffMs: 200,
    timeoutMs: 2000,
    ...over,
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('judge client against a local mock endpoint', () => {
  it('sends an OpenAI chat-completions request: path, auth header, model, messages, temperature 0', async () => {
    server = await startMockJudge(() => chatAnswer('ok'));
    const c = client(server.url);
    const r = await c.complete('v1', msgs('hello'));
    expect(r).toMatchObject({
      content: 'ok',
      cached: false,
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    });
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({ model: 'judge-m', messages: msgs('hello'), temperature: 0 });
  });

  it('retries 429 and 500 with exponential backoff, then succeeds', async () => {
    server = await startMockJudge((_r, i) =>
      i === 0
        ? { status: 429, body: 'slow down' }
        : i === 1
          ? { status: 500, body: 'oops' }
          : chatAnswer('fine'),
    );
    const c = client(server.url, { backoffMs: 40 });
    expect((await c.complete('v1', msgs('x'))).content).toBe('fine');
    const at = server.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    // Delays 40 ms then 80 ms (a few ms of timer slack allowed below).
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(35);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(75);
    expect(c.stats).toMatchObject({ requests: 3, retries: 2, answers: 1 });
  });

  it('honours Retry-After when it asks for longer than the backoff (capped)', async () => {
    server = await startMockJudge((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '0.15' }, body: '' } : chatAnswer('ok'),
    );
    const c = client(server.url, { backoffMs: 10, maxBackoffMs: 1000 });
    await c.complete('v1', msgs('x'));
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(140);
  });

  it('times a slow answer out, retries, and fails with a JudgeError when every attempt times out', async () => {
    server = await startMockJudge((_r, i) =>
      i === 0 ? { ...chatAnswer('late'), delayMs: 400 } : chatAnswer('quick'),
    );
    const c = client(server.url, { timeoutMs: 100 });
    expect((await c.complete('v1', msgs('x'))).content).toBe('quick');
    await server.close();
    server = await startMockJudge(() => ({ ...chatAnswer('late'), delayMs: 300 }));
    const slow = client(server.url, { timeoutMs: 50, maxRetries: 1 });
    const err = await slow.complete('v1', msgs('y')).catch((e) => e);
    expect(err).toBeInstanceOf(JudgeError);
    expect(err.message).toMatch(/no answer within 50 ms .* after 2 attempts/);
    expect(err.exitCode).toBe(2);
  });

  it('a body that stalls after the headers times out and is retried, not taken for a broken answer', async () => {
    server = await startMockJudge((_r, i) =>
      i === 0 ? { ...chatAnswer('stalled'), stallBodyMs: 900 } : chatAnswer('whole'),
    );
    // Headers come at once, the body would take 900 ms: the 300 ms timeout must cover the body too.
    const c = client(server.url, { timeoutMs: 300 });
    expect((await c.complete('v1', msgs('x'))).content).toBe('whole');
    expect(c.stats).toMatchObject({ requests: 2, retries: 1, answers: 1 });
  });

  it('does not retry other 4xx; the message hints at the key but never contains it', async () => {
    server = await startMockJudge((r) => ({ status: 401, body: `bad key ${r.headers.authorization}` }));
    const c = client(server.url);
    const err = await c.complete('v1', msgs('x')).catch((e) => e);
    expect(server.requests).toHaveLength(1);
    expect(err).toBeInstanceOf(JudgeError);
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('DISTILL_BENCH_JUDGE_KEY');
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain('[redacted]');
  });

  it('caches answers on disk by (model, prompt version, input): a second client makes no request', async () => {
    server = await startMockJudge(() => chatAnswer('cached answer'));
    const cacheDir = tmp('judge-cache-');
    const first = client(server.url, { cacheDir });
    await first.complete('v1', msgs('a'));
    const second = client(server.url, { cacheDir });
    expect(await second.complete('v1', msgs('a'))).toMatchObject({ content: 'cached answer', cached: true });
    expect(server.requests).toHaveLength(1);
    expect(second.stats).toMatchObject({ requests: 0, cacheHits: 1 });
    // Another prompt version, model or input is another key.
    await second.complete('v2', msgs('a'));
    await client(server.url, { cacheDir, model: 'other' }).complete('v1', msgs('a'));
    await second.complete('v1', msgs('b'));
    expect(server.requests).toHaveLength(4);
    for (const f of allFiles(cacheDir)) expect(readFileSync(f, 'utf8')).not.toContain(KEY);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    server = await startMockJudge(() => ({ ...chatAnswer('ok'), delayMs: 30 }));
    const c = client(server.url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.complete('v1', msgs(`q${i}`))));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it('an unreachable endpoint fails with a JudgeError naming --judge, without the key', async () => {
    server = await startMockJudge(() => chatAnswer('x'));
    const url = server.url;
    await server.close();
    const err = await client(url, { maxRetries: 1 })
      .complete('v1', msgs('x'))
      .catch((e) => e);
    expect(err).toBeInstanceOf(JudgeError);
    expect(err.where.field).toBe('--judge');
    expect(err.message).toMatch(/unreachable \(ECONNREFUSED\)/);
  });

  it('a 200 that is not chat-completions JSON is a JudgeError, not a silent empty judgment', async () => {
    server = await startMockJudge(() => ({ status: 200, body: { nothing: true } }));
    const err = await client(server.url)
      .complete('v1', msgs('x'))
      .catch((e) => e);
    expect(err).toBeInstanceOf(JudgeError);
    expect(err.message).toContain('choices[0].message.content');
  });

  it('builds the endpoint from an API base and never prints user info or query strings', () => {
    expect(chatCompletionsUrl('http://h:1/v1')).toBe('http://h:1/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:1/v1/')).toBe('http://h:1/v1/chat/completions');
    expect(chatCompletionsUrl('http://h:1/v1/chat/completions')).toBe('http://h:1/v1/chat/completions');
    expect(displayUrl('https://user:pw@h/v1?api-key=zz#f')).toBe('https://h/v1');
    expect(() => chatCompletionsUrl('ftp://h')).toThrow(JudgeError);
  });
});
