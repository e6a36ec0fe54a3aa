import type { IdentityCard } from '../../../metrics/ice.ts';
import {
  iceJudgeSignature as iceSignature,
  rseAspectSignature,
  rseJudgeSignature as rseSignature,
} from '../../../metrics/judge.ts';
import {
  referenceRow,
  rowsOf,
  type ScoreData,
  type ScoreValue,
  type Split,
  type UnitValue,
} from '../data.ts';
import { identityKeywords, namesIdentity } from '../ice-cards.ts';
import type { ResponseRow } from '../input-schema.ts';
import { type JudgeClient, JudgeError, type JudgeReply } from './client.ts';
import { parseBinaryTag, parseRseJudgment, type RseJudgment } from './parse.ts';
import { iceJ1Messages, iceJ2Messages, PROMPT_VERSION, rseMessages } from './prompts.ts';

/**
 * Runs the LLM judges over a response set: RSE (every model, the reference included, against the
 * reference model's answer to the same prompt) and, with cards, ICE J1 on every probe row and J2 on
 * the J1 positives. Per model × dataset it returns the paper's numbers, the unparseable counts, and
 * the cost (answers fetched, cache hits, tokens when the endpoint reports them).
 */

export const rseJudgeSignature = (judge: string, ref: string, agg = 'mean') =>
  rseSignature(judge, ref, PROMPT_VERSION, agg);
const aspectSignature = (aspect: string, judge: string, ref: string) =>
  rseAspectSignature(aspect, judge, ref, PROMPT_VERSION);
export const iceJudgeSignature = (judge: string) => iceSignature(judge, PROMPT_VERSION);

export interface JudgeCost {
  judgeCalls: number;
  judgeCacheHits: number;
  judgeUnparseable: number;
  judgePromptTokens: number | null;
  judgeCompletionTokens: number | null;
  judgeTotalTokens: number | null;
}

/** One judgment, as written to judgments.jsonl (raw text only when it did not parse). */
export interface JudgmentRecord {
  model: string;
  dataset: string;
  promptId: string;
  kind: 'rse' | 'ice-j1' | 'ice-j2';
  value: number | null;
  cached: boolean;
  unparseable?: string;
}

export interface JudgeOutcome {
  values: ScoreValue[];
  records: JudgmentRecord[];
  costs: Map<string, JudgeCost>;
}

const emptyCost = (): JudgeCost => ({
  judgeCalls: 0,
  judgeCacheHits: 0,
  judgeUnparseable: 0,
  judgePromptTokens: null,
  judgeCompletionTokens: null,
  judgeTotalTokens: null,
});
const add = (a: number | null, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export async function runJudge(
  data: ScoreData,
  cards: readonly IdentityCard[] | undefined,
  client: JudgeClient,
): Promise<JudgeOutcome> {
  const costs = new Map(data.models.map((m) => [m, emptyCost()]));
  const records: JudgmentRecord[] = [];
  const values: ScoreValue[] = [];
  const judge = client.model;

  const ask = async (r: ResponseRow, messages: Parameters<JudgeClient['complete']>[1]) => {
    const reply: JudgeReply = await client.complete(PROMPT_VERSION, messages);
    const c = costs.get(r.model)!;
    if (reply.cached) {
      c.judgeCacheHits++;
      return reply;
    }
    // Tokens spent by this run: cached answers cost nothing now.
    c.judgeCalls++;
    c.judgePromptTokens = add(c.judgePromptTokens, reply.usage?.promptTokens);
    c.judgeCompletionTokens = add(c.judgeCompletionTokens, reply.usage?.completionTokens);
    c.judgeTotalTokens = add(c.judgeTotalTokens, reply.usage?.totalTokens);
    return reply;
  };
  const record = (r: ResponseRow, kind: JudgmentRecord['kind'], value: number | null, reply: JudgeReply) => {
    const rec: JudgmentRecord = {
      model: r.model,
      dataset: r.dataset,
      promptId: r.promptId,
      kind,
      value,
      cached: reply.cached,
    };
    if (value === null) {
      rec.unparseable = client.redact(reply.content.slice(0, 300));
      costs.get(r.model)!.judgeUnparseable++;
    }
    records.push(rec);
  };

  const keywords = cards ? identityKeywords(cards) : [];
  const cardOf = (m: string) => cards?.find((c) => c.model === m);
  const tasks: Promise<void>[] = [];
  const perCell = new Map<
    string,
    {
      rse: (RseJudgment & { promptId: string })[];
      rseBad: number;
      n: number;
      loose: number;
      strict: number;
      hard: number;
      j1Bad: number;
      j2Bad: number;
      /** Per parsed probe: 0/1 for loose, strict, hard (the units of the ICE-judge rates). */
      probes: { promptId: string; loose: number; strict: number; hard: number }[];
    }
  >();
  const cell = (model: string, dataset: string) => {
    const k = JSON.stringify([model, dataset]);
    let c = perCell.get(k);
    if (!c) {
      c = { rse: [], rseBad: 0, n: 0, loose: 0, strict: 0, hard: 0, j1Bad: 0, j2Bad: 0, probes: [] };
      perCell.set(k, c);
    }
    return c;
  };

  for (const model of data.models) {
    for (const dataset of data.datasets) {
      for (const r of rowsOf(data, model, dataset, 'test')) {
        const ref = referenceRow(data, r);
        if (!ref) continue;
        tasks.push(
          ask(r, rseMessages(r.prompt, ref.response, r.response)).then((reply) => {
            const j = parseRseJudgment(reply.content);
            record(r, 'rse', j?.overall ?? null, reply);
            if (j) cell(model, dataset).rse.push({ ...j, promptId: r.promptId });
            else cell(model, dataset).rseBad++;
          }),
        );
      }
      const card = cardOf(model);
      if (!card || !cards) continue;
      const others = cards.filter(
        (c) => c.model !== model && (c.name !== card.name || c.maker !== card.maker),
      );
      for (const r of rowsOf(data, model, dataset, 'probes')) {
        tasks.push(
          ask(r, iceJ1Messages(card, r.response)).then(async (reply) => {
            const j1 = parseBinaryTag(reply.content, 'judge');
            record(r, 'ice-j1', j1 === undefined ? null : Number(j1), reply);
            const c = cell(model, dataset);
            if (j1 === undefined) return void c.j1Bad++;
            c.n++;
            const probe = { promptId: r.promptId, loose: 0, strict: 0, hard: 0 };
            c.probes.push(probe);
            if (!j1) return;
            c.loose++;
            probe.loose = 1;
            if (others.length === 0) return;
            const reply2 = await ask(r, iceJ2Messages(card, others, r.response));
            const j2 = parseBinaryTag(reply2.content, 'rate');
            record(r, 'ice-j2', j2 === undefined ? null : Number(j2), reply2);
            // An unparseable J2 is counted and the response is not counted strict (a lower bound).
            if (j2 === undefined) return void c.j2Bad++;
            if (!j2) return;
            c.strict++;
            probe.strict = 1;
            if (!namesIdentity(keywords, r.prompt, r.template)) {
              c.hard++;
              probe.hard = 1;
            }
          }),
        );
      }
    }
  }
  const settled = await Promise.allSettled(tasks);
  await client.drain();
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    const e = failed.reason;
    if (e instanceof JudgeError) {
      e.message += ` ${client.stats.answers} judgment(s) from this run are cached in ${client.cache.dir}; rerun the same command to resume from them.`;
    }
    throw e;
  }

  for (const [k, c] of perCell) {
    const [model, dataset] = JSON.parse(k) as [string, string];
    const at = (split: Split) => ({ model, task: dataset, split });
    // Judge scores are means over the parsed judgments, so each parsed one is a unit.
    const unit = (promptId: string, value: number): UnitValue => ({
      unit: promptId,
      stratum: dataset,
      value,
    });
    if (c.rse.length || c.rseBad) {
      const detail = { parsed: c.rse.length, unparseable: c.rseBad };
      if (c.rse.length) {
        values.push({
          ...at('test'),
          metric: 'rse-judge',
          value: mean(c.rse.map((j) => j.overall)),
          signature: rseJudgeSignature(judge, data.reference),
          direction: 'higher',
          detail,
          units: c.rse.map((j) => unit(j.promptId, j.overall)),
        });
        for (const [aspect, key] of [
          ['style', 'style'],
          ['logic', 'logic'],
          ['content', 'content'],
        ] as const) {
          const parsed = c.rse.filter((j) => j[key] !== undefined);
          const xs = parsed.map((j) => j[key]!);
          if (xs.length)
            values.push({
              ...at('test'),
              metric: `rse-judge-${aspect}`,
              value: mean(xs),
              signature: aspectSignature(aspect, judge, data.reference),
              direction: 'higher',
              detail: { parsed: xs.length },
              units: parsed.map((j) => unit(j.promptId, j[key]!)),
            });
        }
      }
    }
    if (c.n || c.j1Bad) {
      const detail = { n: c.n, j1Unparseable: c.j1Bad, j2Unparseable: c.j2Bad };
      if (c.n) {
        for (const [name, count] of [
          ['loose', c.loose],
          ['strict', c.strict],
          ['hard', c.hard],
        ] as const) {
          values.push({
            ...at('probes'),
            metric: `ice-judge-${name}`,
            value: count / c.n,
            signature: iceJudgeSignature(judge),
            direction: 'lower',
            detail: { ...detail, count },
            units: c.probes.map((p) => unit(p.promptId, p[name])),
          });
        }
      }
    }
  }
  return { values, records, costs };
}
