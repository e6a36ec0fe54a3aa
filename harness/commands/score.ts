import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

/**
 * `distill-bench score <responses.jsonl|csv> --reference-model <name> [--cards f] [--judge url
 * --judge-model m] [--out dir]`: the harness's metrics on recorded responses of any models (no
 * training), written as a run directory that `report`, `leaderboard` and `gate` read. The judge key
 * comes from $DISTILL_BENCH_JUDGE_KEY only: a flag would land in shell history and CI logs.
 */

const int = (flag: string, min: number) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag}: '${v}' is not an integer >= ${min}.`, { field: flag });
  return n;
};

/** Options as data: flag, description, parser, default. */
const OPTIONS: [string, string, ((v: string) => unknown)?, unknown?][] = [
  ['--cards <file>', 'identity cards (JSON/YAML) per model: enables ICE on rows with a probe field'],
  ['--out <dir>', 'run directory (default runs/score-<responses file name>)'],
  [
    '--judge <url>',
    'OpenAI-compatible API base for the LLM judge, e.g. http://127.0.0.1:8000/v1 (key: $DISTILL_BENCH_JUDGE_KEY)',
  ],
  ['--judge-model <name>', 'judge model name sent to --judge'],
  ['--judge-concurrency <n>', 'judge requests in flight at once', int('--judge-concurrency', 1), 4],
  ['--judge-timeout <ms>', 'per-request timeout', int('--judge-timeout', 1), 60_000],
  [
    '--judge-retries <n>',
    'retries on 429/5xx/network errors/timeouts, exponential backoff',
    int('--judge-retries', 0),
    5,
  ],
  [
    '--judge-backoff <ms>',
    'first retry delay (doubles each retry, max 30 s)',
    int('--judge-backoff', 0),
    1000,
  ],
  [
    '--judge-cache <dir>',
    'judge answer cache (default $DISTILL_BENCH_CACHE/judge or ~/.cache/distill-bench/judge)',
  ],
  ['--no-report', 'skip report.html/summary.md/CSV'],
  ['--json', 'print the scores as JSON on stdout (progress goes to stderr)'],
];

interface Flags {
  referenceModel: string;
  cards?: string;
  out?: string;
  judge?: string;
  judgeModel?: string;
  judgeConcurrency: number;
  judgeTimeout: number;
  judgeRetries: number;
  judgeBackoff: number;
  judgeCache?: string;
  report: boolean;
  json?: boolean;
}

export function registerScore(program: Command): void {
  const cmd = program
    .command('score <responses>')
    .description(
      'score recorded responses (JSONL/CSV) of any models: RSE, ICE, homogenization, accuracy/WER; no training',
    )
    .requiredOption(
      '--reference-model <name>',
      'the model every other is compared with (RSE), e.g. the suspected teacher',
    );
  for (const [flag, desc, parse, def] of OPTIONS) {
    if (parse) cmd.option(flag, desc, parse as (v: string, p: unknown) => unknown, def);
    else cmd.option(flag, desc);
  }
  cmd.action(async (responses: string, o: Flags) => {
    if (!!o.judge !== !!o.judgeModel) {
      const missing = o.judge ? '--judge-model' : '--judge';
      throw new UsageError(
        `${missing} is required with ${o.judge ? '--judge' : '--judge-model'}: the judge needs an endpoint and a model name.`,
        {
          field: missing,
        },
      );
    }
    // Imported on use so other commands do not load the metric families.
    const { runScore } = await import('../score/score.ts');
    const out = o.out ?? join('runs', `score-${basename(responses, extname(responses))}`);
    const res = await runScore({
      responses,
      referenceModel: o.referenceModel,
      cards: o.cards,
      out,
      report: o.report,
      log: o.json ? (line: string) => console.error(line) : undefined,
      judge: o.judge
        ? {
            baseUrl: o.judge,
            model: o.judgeModel!,
            concurrency: o.judgeConcurrency,
            timeoutMs: o.judgeTimeout,
            maxRetries: o.judgeRetries,
            backoffMs: o.judgeBackoff,
            cacheDir: o.judgeCache,
          }
        : undefined,
    });
    if (o.json) console.log(JSON.stringify(res));
    else console.log(`wrote ${res.dir}`);
  });
}
