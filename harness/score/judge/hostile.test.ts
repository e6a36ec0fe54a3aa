import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliConcurrent, tmp } from '../../../test/helpers/cli.ts';
import { inputFolder, responseRow } from '../testing/input-files.ts';
import { chatAnswer, type MockJudge, startMockJudge } from '../testing/mock-judge.ts';
import { JudgeCache, safeSegment } from './cache.ts';
import { chatCompletionsUrl, JudgeClient, JudgeError, redactSecrets } from './client.ts';

/** Issue 15's judge defects: credentials in URLs, keys echoed back, cache paths from user text. */

const KEY = 'sk-hostile-5c1e0d9b-never-written';
let server: MockJudge | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('judge: hostile configuration and answers', () => {
  it('D5: a --judge URL with user info is refused, without echoing the password', () => {
    let err: unknown;
    try {
      chatCompletionsUrl('http://alice:hunter2-pass@127.0.0.1:9/v1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JudgeError);
    expect((err as Error).message).toMatch(/user name or password/);
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).not.toContain('alice');
  });

  it('D5: through the CLI: exit 2, the password in neither stdout nor stderr', async () => {
    const { dir, file } = inputFolder('judge-userinfo-');
    const p = file('r.jsonl', `${responseRow({})}\n${responseRow({ model: 'b' })}\n`);
    const r = await cliConcurrent(
      [
        'score',
        p,
        '--reference-model',
        'a',
        '--judge',
        'http://u:s3cr3t-word@127.0.0.1:9/v1',
        '--judge-model',
        'm',
      ],
      { DISTILL_BENCH_CACHE: join(dir, 'cache') },
    );
    expect(r.code, r.out).toBe(2);
    expect(r.stderr).toMatch(/^error: --judge: the URL carries a user name or password/);
    expect(r.out).not.toContain('s3cr3t-word');
  });

  it('D5: redaction covers the key raw, URL-encoded and JSON-escaped, and bearer tokens of unknown keys', () => {
    const key = 'sk-a/b"c';
    const text = `raw ${key} url ${encodeURIComponent(key)} json ${JSON.stringify(key)} hdr Bearer tok_1234567890abcdefXYZ; Bearer responsibility`;
    const out = redactSecrets(text, [key]);
    expect(out).toBe(
      'raw [redacted] url [redacted] json "[redacted]" hdr Bearer [redacted]; Bearer responsibility',
    );
  });

  it('D20: a key echoed inside a 200 answer is redacted before it is cached or returned', async () => {
    server = await startMockJudge((req) =>
      chatAnswer(`I saw ${req.headers.authorization} and ${KEY}. <judge>1</judge>`),
    );
    const cacheDir = tmp('judge-echo-');
    const c = new JudgeClient({ baseUrl: server.url, model: 'm', apiKey: KEY, cacheDir });
    const r = await c.complete('v1', [{ role: 'user', content: 'x' }]);
    expect(r.content).toBe('I saw Bearer [redacted] and [redacted]. <judge>1</judge>');
    const files = allFiles(cacheDir);
    expect(files).toHaveLength(1);
    expect(readFileSync(files[0], 'utf8')).not.toContain(KEY);
    // The cached (redacted) answer is what a rerun gets.
    const again = await c.complete('v1', [{ role: 'user', content: 'x' }]);
    expect(again).toMatchObject({ cached: true, content: r.content });
  });

  it('D21: --judge-model .. stays inside the cache dir', async () => {
    server = await startMockJudge(() => chatAnswer('ok'));
    const root = tmp('judge-escape-');
    const cacheDir = join(root, 'cache');
    for (const model of ['..', '.', '../../x', '/etc', '..\\..', '.hidden']) {
      const c = new JudgeClient({ baseUrl: server.url, model, cacheDir });
      await c.complete('..', [{ role: 'user', content: model }]);
    }
    // Everything under root was written under cacheDir, and no segment is '.' or '..'.
    for (const f of allFiles(root)) {
      const rel = relative(resolve(cacheDir), resolve(f));
      expect(rel.startsWith('..'), f).toBe(false);
      for (const seg of rel.split('/')) expect(seg.startsWith('.'), f).toBe(false);
    }
    expect(allFiles(root)).toHaveLength(6);
    expect(safeSegment('..')).toMatch(/^_-[0-9a-f]{8}$/);
    expect(safeSegment('gpt-4o')).toBe('gpt-4o');
    // Names that differ only in what is replaced still get different folders.
    expect(safeSegment('a/b')).not.toBe(safeSegment('a_b'));
    expect(() => new JudgeCache(cacheDir).get('m', 'v1', '../../../etc/passwd')).toThrow(/not a sha256/);
  });
});
