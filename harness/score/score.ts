import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import type { IdentityCard } from '../../metrics/ice.ts';
import { forTerminal } from '../core/sanitize.ts';
import { contentHash } from '../hash.ts';
import type { Manifest } from '../runner/run-dir.ts';
import { SCHEMA_VERSION } from '../runner/run-dir.ts';
import { HARNESS_VERSION, harnessGitSha } from '../version.ts';
import { indexRows, type ScoreValue } from './data.ts';
import { iceCardMetrics } from './ice-cards.ts';
import { MACRO_TASK } from './input-schema.ts';
import { defaultJudgeCacheDir } from './judge/cache.ts';
import { JUDGE_KEY_ENV, JudgeClient } from './judge/client.ts';
import { PROMPT_VERSION } from './judge/prompts.ts';
import { type JudgeOutcome, rseJudgeSignature, runJudge } from './judge/run-judge.ts';
import { macroValues } from './macro.ts';
import { pairwiseMetrics } from './pairwise.ts';
import { readCards } from './read-cards.ts';
import { readResponses } from './read-responses.ts';
import { sequenceMetrics } from './sequence-metrics.ts';
import { similarityCapWarning } from './similarity-cap.ts';
import { summaryTable } from './summary.ts';
import { checkInputs } from './validate.ts';
import { prepareDir, SCORE_SUITE_PREFIX, writeJobs, writeJson, writeJsonl } from './write-run.ts';

/**
 * `distill-bench score`: every metric of the harness on recorded responses, no training. Reads and
 * validates the inputs, computes the token-free metrics per model × dataset, optionally asks an LLM
 * judge, macro-averages over datasets, writes a run directory and (unless told not to) its reports.
 */

export interface JudgeSettings {
  baseUrl: string;
  model: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  cacheDir?: string;
}

export interface ScoreOptions {
  responses: string;
  referenceModel: string;
  cards?: string;
  out: string;
  judge?: JudgeSettings;
  /** Write report.html etc. (default true). */
  report?: boolean;
  log?: (line: string) => void;
  /** Where the API key is read from (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface ScoreResult {
  dir: string;
  values: ScoreValue[];
  warnings: string[];
  judge?: JudgeOutcome & { stats: JudgeClient['stats'] };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function judgeClient(j: JudgeSettings, env: Record<string, string | undefined>): JudgeClient {
  const key = env[JUDGE_KEY_ENV];
  return new JudgeClient({
    baseUrl: j.baseUrl,
    model: j.model,
    apiKey: key ? key : undefined,
    cacheDir: j.cacheDir ?? defaultJudgeCacheDir(),
    concurrency: j.concurrency,
    timeoutMs: j.timeoutMs,
    maxRetries: j.maxRetries,
    backoffMs: j.backoffMs,
    maxBackoffMs: j.maxBackoffMs,
  });
}

export async function runScore(opts: ScoreOptions): Promise<ScoreResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const startedAt = new Date().toISOString();
  const set = readResponses(opts.responses);
  const cardSet = opts.cards ? readCards(opts.cards) : undefined;
  const cards: IdentityCard[] | undefined = cardSet?.cards;
  const data = indexRows(set.rows, opts.referenceModel);
  const warnings = checkInputs(data, { responses: opts.responses, cards: opts.cards }, cards);
  prepareDir(opts.out, false);
  const client = opts.judge ? judgeClient(opts.judge, opts.env ?? process.env) : undefined;

  // Token-free metrics, timed per model (the job's wall time).
  const values: ScoreValue[] = [];
  const wall = new Map<string, number>();
  // Objects keyed by model and dataset names (user text) have no prototype: a model named
  // '__proto__' is an entry, not a prototype change (they are written to score.json as they are).
  const perModel: Record<string, Record<string, unknown>> = Object.create(null);
  const capWarning = similarityCapWarning(data.rows);
  if (capWarning) warnings.push(capWarning);
  for (const model of data.models) {
    const t = performance.now();
    const datasets: Record<string, unknown> = Object.create(null);
    for (const dataset of data.datasets) {
      const seq = sequenceMetrics(data, model, dataset);
      values.push(...seq.values);
      if (seq.unpaired)
        warnings.push(
          `${model} / ${dataset}: ${seq.unpaired} prompt(s) the reference model did not answer, left out of RSE.`,
        );
      const ice = cards ? iceCardMetrics(data, cards, model, dataset) : undefined;
      if (ice) values.push(...ice.values);
      if (seq.pairs || seq.unpaired || ice)
        datasets[dataset] = {
          rsePairs: seq.pairs,
          rseUnpaired: seq.unpaired,
          ...(ice ? { ice: ice.counts } : {}),
        };
    }
    perModel[model] = { rows: data.rows.filter((r) => r.model === model).length, datasets };
    wall.set(model, performance.now() - t);
  }
  const pairwise: Record<string, unknown> = Object.create(null);
  for (const dataset of data.datasets) {
    const p = pairwiseMetrics(data, dataset);
    values.push(...p.values);
    if (p.models.length > 1) pairwise[dataset] = { models: p.models, matrix: p.matrix, overall: p.overall };
  }

  let judged: ScoreResult['judge'];
  if (client) {
    log(forTerminal(`judging with ${client.model} at ${client.endpoint} (cache ${client.cache.dir})`));
    if (!(opts.env ?? process.env)[JUDGE_KEY_ENV])
      log(`note: ${JUDGE_KEY_ENV} is not set; requests carry no Authorization header`);
    const outcome = await runJudge(data, cards, client);
    values.push(...outcome.values);
    judged = { ...outcome, stats: client.stats };
    const bad = outcome.records.filter((r) => r.value === null);
    if (bad.length) {
      warnings.push(
        `judge: ${bad.length} of ${outcome.records.length} judgments were unparseable and are excluded from the judge scores ` +
          `(listed with their text in judgments.jsonl).`,
      );
    }
  }
  values.push(...macroValues(values));

  // The run directory.
  mkdirSync(opts.out, { recursive: true });
  prepareDir(opts.out, true);
  const responsesHash = sha(set.text);
  const cardsHash = cardSet ? sha(cardSet.text) : null;
  const judgeInfo = client
    ? {
        model: client.model,
        endpoint: client.endpoint,
        promptVersion: PROMPT_VERSION,
        signature: rseJudgeSignature(client.model, data.reference, 'macro'),
      }
    : null;
  const prompts = [...data.byPrompt.values()]
    .map((m) => {
      const r = m.values().next().value!;
      return JSON.stringify([r.dataset, r.promptId, r.prompt]);
    })
    .sort();
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    harnessVersion: HARNESS_VERSION,
    gitSha: harnessGitSha(),
    // Same prompts, reference, cards and judge = the same experiment, whoever answered them.
    suite: {
      name: `${SCORE_SUITE_PREFIX}${basename(opts.responses)}`,
      hash: contentHash({
        prompts: contentHash(prompts),
        reference: data.reference,
        cardsHash,
        judge: judgeInfo && [judgeInfo.model, PROMPT_VERSION],
      }),
      file: opts.responses,
    },
    backend: 'none',
    environment: {
      mode: 'score',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      responses: { file: opts.responses, sha256: responsesHash, format: set.format, rows: set.rows.length },
      cards: cardSet ? { file: cardSet.file, sha256: cardsHash } : null,
      referenceModel: data.reference,
      judge: judgeInfo,
    },
    seeds: [0],
    metricSignatures: Object.fromEntries(
      values.filter((v) => v.task === MACRO_TASK).map((v) => [v.metric, v.signature]),
    ),
    startedAt,
    endedAt: new Date().toISOString(),
    jobs: [],
    warnings,
  };
  const costs = new Map<string, Record<string, unknown>>();
  for (const model of data.models) {
    const judgeCost = judged?.costs.get(model);
    costs.set(model, {
      responses: (perModel[model] as { rows: number }).rows,
      wallTimeMs: Math.round(wall.get(model) ?? 0),
      ...(judgeCost ?? {}),
    });
  }
  writeJobs({
    dir: opts.out,
    data,
    values,
    keyParts: {
      harness: HARNESS_VERSION,
      responsesHash,
      cardsHash,
      reference: data.reference,
      judge: judgeInfo && [judgeInfo.model, PROMPT_VERSION],
    },
    costs,
    manifest,
  });
  writeJson(join(opts.out, 'score.json'), {
    schemaVersion: 1,
    referenceModel: data.reference,
    models: data.models,
    datasets: data.datasets,
    aggregate: 'macro: unweighted mean over datasets of the per-dataset values',
    perModel,
    pairwise,
    judge:
      judgeInfo && judged
        ? {
            ...judgeInfo,
            ...judged.stats,
            unparseable: judged.records.filter((r) => r.value === null).length,
            judgments: judged.records.length,
          }
        : null,
    warnings,
  });
  if (judged) {
    const order = (a: (typeof judged.records)[number], b: typeof a) =>
      JSON.stringify([a.model, a.dataset, a.promptId, a.kind]) <
      JSON.stringify([b.model, b.dataset, b.promptId, b.kind])
        ? -1
        : 1;
    writeJsonl(join(opts.out, 'judgments.jsonl'), [...judged.records].sort(order));
  }
  if (opts.report !== false) {
    const { writeReports } = await import('../../reports/index.ts');
    writeReports(opts.out);
  }
  for (const line of summaryTable(values, data.models, data.reference)) log(line);
  for (const w of warnings) log(`warning: ${forTerminal(w)}`);
  return { dir: opts.out, values, warnings, judge: judged };
}
