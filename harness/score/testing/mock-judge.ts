import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an OpenAI-compatible chat-completions endpoint, for tests only: node:http on
 * 127.0.0.1, port 0 (the OS picks a free one). Bounded: after `maxRequests` it answers 503 to
 * everything, bodies over 1 MiB are refused, and it closes itself after `lifetimeMs` even if a test
 * forgets to.
 */

export interface MockRequest {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    temperature?: number;
    [k: string]: unknown;
  };
}

export interface MockAnswer {
  status?: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Sends the headers and half the body, then waits this long before the rest (a stalled stream). */
  stallBodyMs?: number;
}

export type MockHandler = (req: MockRequest, index: number) => MockAnswer | Promise<MockAnswer>;

export interface MockJudge {
  url: string;
  requests: MockRequest[];
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat-completions answer with `content` and token usage. */
export function chatAnswer(
  content: string,
  usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
): MockAnswer {
  return {
    status: 200,
    body: {
      id: 'mock',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage,
    },
  };
}

const LIMIT_BYTES = 1 << 20;

export async function startMockJudge(
  handler: MockHandler,
  opts: { maxRequests?: number; lifetimeMs?: number } = {},
): Promise<MockJudge> {
  const maxRequests = opts.maxRequests ?? 2000;
  const requests: MockRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= LIMIT_BYTES) chunks.push(c);
    });
    req.on('end', async () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      try {
        let body: MockRequest['body'] = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // recorded as an empty body; the test sees it
        }
        const r: MockRequest = {
          at: Date.now(),
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
        };
        const index = requests.push(r) - 1;
        const answer: MockAnswer =
          size > LIMIT_BYTES
            ? { status: 413, body: 'too large' }
            : index >= maxRequests
              ? { status: 503, body: 'mock request budget spent' }
              : await handler(r, index);
        if (answer.delayMs) await new Promise((ok) => setTimeout(ok, answer.delayMs));
        if (res.destroyed) return;
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, {
          'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
          ...answer.headers,
        });
        if (answer.stallBodyMs) {
          res.write(text.slice(0, text.length >> 1));
          await new Promise((ok) => setTimeout(ok, answer.stallBodyMs));
          if (res.destroyed) return;
          res.end(text.slice(text.length >> 1));
        } else res.end(text);
      } finally {
        inFlight--;
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = () =>
    new Promise<void>((ok) => {
      if (closed) return ok();
      closed = true;
      clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => ok());
    });
  const timer = setTimeout(() => void close(), opts.lifetimeMs ?? 60_000);
  timer.unref();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close,
  };
}

/** The RSE judge a perfect analyst would be: 5/5 when the two answers are identical, 3/5 otherwise. */
export const rseMock: MockHandler = (req) => {
  const user = req.body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const m = /Reference Answer: ([\s\S]*)\n\nModel Response: ([\s\S]*)$/.exec(user);
  const same = !!m && m[1] === m[2];
  const json = same
    ? '{"style_score": "2", "logical_score": "2", "content_score": "2", "overview_score": "5/5"}'
    : '{"style_score": "1", "logical_score": "1", "content_score": "1", "overview_score": "3/5"}';
  return chatAnswer(`The responses ${same ? 'are identical' : 'differ'}.\n\`\`\`json\n${json}\n\`\`\``);
};
