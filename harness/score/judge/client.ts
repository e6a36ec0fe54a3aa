import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import { UsageError } from '../../errors.ts';
import { type CachedAnswer, JudgeCache } from './cache.ts';
import type { ChatMessage } from './prompts.ts';

/**
 * Client for any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp server,
 * LiteLLM, Azure behind a proxy...). POST <base>/chat/completions with {model, messages,
 * temperature: 0}; the key, when set, goes in `Authorization: Bearer` and nowhere else: it is not
 * part of cache keys, and every error text passes through `redact` before anyone sees it.
 *
 * Failures: 429, 5xx, network errors and timeouts are retried with exponential backoff
 * (backoffMs · 2^(attempt-1), capped at maxBackoffMs; a longer Retry-After wins, also capped); other
 * 4xx answers fail at once. After the first request that fails for good, queued requests fail
 * without touching the network, while requests in flight finish and are cached.
 */

export const JUDGE_KEY_ENV = 'DISTILL_BENCH_JUDGE_KEY';

export interface JudgeOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  cacheDir: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  maxTokens?: number;
}

export interface JudgeReply {
  content: string;
  usage?: CachedAnswer['usage'];
  cached: boolean;
}

export interface JudgeStats {
  /** HTTP requests sent (retries included). */
  requests: number;
  retries: number;
  cacheHits: number;
  /** Answers received and cached. */
  answers: number;
}

/** A judge that cannot be used (unreachable, refusing, misconfigured): bad input, exit 2. */
export class JudgeError extends UsageError {
  constructor(message: string) {
    super(message, { field: '--judge' });
    this.name = 'JudgeError';
  }
}

/** The endpoint as it may be printed: no user info, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export function chatCompletionsUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new JudgeError(
      `--judge: '${displayUrl(baseUrl)}' is not a URL. Fix: pass the API base, e.g. http://127.0.0.1:8000/v1.`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new JudgeError('--judge: the URL must start with http:// or https://.');
  // A password in the URL would be repeated by fetch's errors, shell history and CI logs.
  if (u.username || u.password)
    throw new JudgeError(
      `--judge: the URL carries a user name or password (${u.protocol}//***@${u.host}${u.pathname}). ` +
        `Fix: pass the URL without them and the key in $${JUDGE_KEY_ENV}.`,
    );
  if (!u.pathname.endsWith('/chat/completions'))
    u.pathname = `${u.pathname.replace(/\/+$/, '')}/chat/completions`;
  return u.toString();
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/** Query parameters that carry credentials (Azure's api-key, signed URLs' sig, token, ...). */
const SECRET_PARAM = /key|token|secret|sig|password|auth/i;

/** `text` with every secret (raw, URL-encoded, JSON-escaped) and every bearer token replaced. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets)
    for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]))
      out = out.split(form).join('[redacted]');
  // A token-like word (16+ characters with a digit, '-' or '_') after "Bearer": prose is left alone.
  return out.replace(
    /\bBearer\s+(?=[A-Za-z0-9._~+/=-]*[0-9_-])[A-Za-z0-9._~+/=-]{16,}/gi,
    'Bearer [redacted]',
  );
}

interface Usage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
}
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export class JudgeClient {
  readonly stats: JudgeStats = { requests: 0, retries: 0, cacheHits: 0, answers: 0 };
  readonly cache: JudgeCache;
  private readonly url: string;
  private readonly queue: PQueue;
  private fatal: JudgeError | undefined;
  private readonly pending = new Map<string, Promise<JudgeReply>>();
  private readonly o: Required<Omit<JudgeOptions, 'apiKey' | 'maxTokens'>> &
    Pick<JudgeOptions, 'apiKey' | 'maxTokens'>;

  constructor(opts: JudgeOptions) {
    // Options given as undefined keep their defaults.
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as JudgeOptions;
    this.o = {
      concurrency: 4,
      timeoutMs: 60_000,
      maxRetries: 5,
      backoffMs: 1000,
      maxBackoffMs: 30_000,
      ...given,
    };
    this.url = chatCompletionsUrl(opts.baseUrl);
    this.cache = new JudgeCache(opts.cacheDir);
    this.queue = new PQueue({ concurrency: Math.max(1, this.o.concurrency) });
  }

  get model(): string {
    return this.o.model;
  }

  get endpoint(): string {
    return displayUrl(this.url);
  }

  /**
   * Replaces the API key wherever it appears, also URL- or JSON-escaped (error bodies and even 200
   * answers can echo headers), and any bearer token or secret-looking query value, known or not.
   */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  private get secrets(): string[] {
    const key = this.o.apiKey;
    const fromUrl = [...new URL(this.url).searchParams]
      .filter(([name]) => SECRET_PARAM.test(name))
      .map(([, v]) => v);
    return [key, ...fromUrl].filter((s): s is string => !!s && s.length >= 4);
  }

  /** One judgment: from the cache when this (model, prompt version, request) was answered before. */
  async complete(promptVersion: string, messages: ChatMessage[]): Promise<JudgeReply> {
    const body = {
      model: this.o.model,
      messages,
      temperature: 0,
      ...(this.o.maxTokens ? { max_tokens: this.o.maxTokens } : {}),
    };
    const hash = this.cache.inputHash(this.o.model, promptVersion, body);
    const hit = this.cache.get(this.o.model, promptVersion, hash);
    if (hit) {
      this.stats.cacheHits++;
      return { content: hit.content, usage: hit.usage, cached: true };
    }
    // The same request already on its way (two models gave the same answer): share its reply.
    const pending = this.pending.get(hash);
    if (pending) {
      this.stats.cacheHits++;
      return { ...(await pending), cached: true };
    }
    const reply = this.queue.add(async () => {
      if (this.fatal) throw this.fatal;
      const answer = await this.request(body);
      // A judge may quote its request headers back: the key must not reach the cache or any file.
      answer.content = this.redact(answer.content);
      const entry: CachedAnswer = { model: this.o.model, promptVersion, inputHash: hash, ...answer };
      this.cache.put(entry);
      this.stats.answers++;
      return { ...answer, cached: false };
    });
    this.pending.set(hash, reply);
    try {
      return await reply;
    } finally {
      this.pending.delete(hash);
    }
  }

  private fail(message: string): never {
    this.fatal ??= new JudgeError(this.redact(message));
    throw this.fatal;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.o.apiKey) h.authorization = `Bearer ${this.o.apiKey}`;
    return h;
  }

  private backoff(attempt: number, retryAfter: string | null): number {
    const exp = this.o.backoffMs * 2 ** (attempt - 1);
    const ra = retryAfter !== null && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 0;
    return Math.min(Math.max(exp, ra), this.o.maxBackoffMs);
  }

  private async request(body: object): Promise<Omit<CachedAnswer, 'model' | 'promptVersion' | 'inputHash'>> {
    const where = `judge ${this.endpoint}`;
    const attempts = this.o.maxRetries + 1;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.fatal) throw this.fatal;
      if (attempt > 1) this.stats.retries++;
      this.stats.requests++;
      let res: Response;
      let raw: string;
      try {
        res = await fetch(this.url, {
          method: 'POST',
          headers: this.headers(),
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        // The body is read under the same timeout: a server that sends headers and then stalls (or
        // drops the connection mid-body) is retried like one that never answered.
        raw = await res.text();
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        last =
          e.name === 'TimeoutError' || e.name === 'AbortError'
            ? `no answer within ${this.o.timeoutMs} ms (--judge-timeout)`
            : `unreachable (${e.cause?.code ?? e.cause?.message ?? e.message})`;
        if (attempt < attempts) await sleep(this.backoff(attempt, null));
        continue;
      }
      if (res.ok) {
        let json: { choices?: { message?: { content?: unknown } }[]; usage?: Usage };
        try {
          json = JSON.parse(raw) as typeof json;
        } catch {
          this.fail(
            `${where}: answered HTTP ${res.status} with a body that is not JSON. Fix: point --judge at an OpenAI-compatible API base (…/v1).`,
          );
        }
        const content = json?.choices?.[0]?.message?.content;
        if (typeof content !== 'string') {
          this.fail(
            `${where}: the answer has no choices[0].message.content. Fix: point --judge at an OpenAI-compatible chat-completions API.`,
          );
        }
        const u = json.usage;
        const usage = u
          ? {
              promptTokens: num(u.prompt_tokens),
              completionTokens: num(u.completion_tokens),
              totalTokens: num(u.total_tokens),
            }
          : undefined;
        return { content, ...(usage ? { usage } : {}) };
      }
      const text = raw.slice(0, 300).replace(/\s+/g, ' ');
      last = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
      if (!RETRYABLE(res.status)) {
        const hint =
          res.status === 401 || res.status === 403
            ? ` Fix: set ${JUDGE_KEY_ENV} to a key the endpoint accepts.`
            : res.status === 404
              ? ' Fix: check the API base URL and --judge-model.'
              : '';
        this.fail(`${where}: ${last}.${hint}`);
      }
      if (attempt < attempts) await sleep(this.backoff(attempt, res.headers.get('retry-after')));
    }
    this.fail(`${where}: ${last} after ${attempts} attempt${attempts === 1 ? '' : 's'}.`);
  }

  /** Waits for every queued and in-flight request (their answers are cached as they arrive). */
  async drain(): Promise<void> {
    await this.queue.onIdle();
  }
}
