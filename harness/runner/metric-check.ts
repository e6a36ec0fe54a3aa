import { type MetricNeed, NEED_DOCS, needsOf } from '../../metrics/family.ts';
import { familyOf, metricRegistry } from '../../metrics/index.ts';
import type { TaskDefinition } from '../tasks/types.ts';
import { EVALUATORS } from './evaluators.ts';

/**
 * Which metrics a suite's runs can produce: an id is producible when a run evaluator computes it
 * (harness/runner/evaluators.ts) and some task of the suite has everything its family needs
 * (metrics/family.ts). Suite validation refuses the rest, naming why and what can be asked for.
 */

/** What a run of `task` with `teachers` teachers has for metrics to read. */
export function availableNeeds(task: TaskDefinition, teachers: number): Set<MetricNeed> {
  const have = new Set<MetricNeed>(['gold', ...(task.provides ?? [])]);
  if (teachers > 0) {
    have.add('teacher');
    have.add('supervision');
  }
  return have;
}

/** Ids the run evaluators compute (before needs), and the family names a suite may use for them. */
export function runMetricIds(): string[] {
  return EVALUATORS.flatMap((e) => e.ids);
}

function idsFor(name: string): string[] {
  return EVALUATORS.find((e) => e.family === name)?.ids ?? [name];
}

function missingNeeds(id: string, have: ReadonlySet<MetricNeed>): MetricNeed[] {
  const family = familyOf(id);
  return family ? needsOf(family, id).filter((n) => !have.has(n)) : [];
}

/** The ids (and evaluator family names) a suite's runs can produce, given each task's needs. */
export function producibleMetrics(runs: { task: TaskDefinition; teachers: number }[]): string[] {
  const ids = runMetricIds().filter((id) =>
    runs.some((r) => missingNeeds(id, availableNeeds(r.task, r.teachers)).length === 0),
  );
  const families = EVALUATORS.filter((e) => e.ids.some((id) => ids.includes(id))).map((e) => e.family);
  return [...new Set([...families, ...ids])];
}

/**
 * Why `name` (a metric id or an evaluator family) cannot be produced by these runs, or undefined
 * when it can. The message says what is missing and lists what the suite can produce.
 */
export function whyUnproducible(
  name: string,
  runs: { task: TaskDefinition; teachers: number }[],
): string | undefined {
  const producible = producibleMetrics(runs);
  if (producible.includes(name)) return undefined;
  const canList = `Metrics this suite can produce: ${producible.join(', ')}.`;
  const ids = idsFor(name);
  const runIds = runMetricIds();
  if (!ids.some((id) => runIds.includes(id))) {
    if (!metricRegistry.has(name)) return undefined; // unknown names get the registry's did-you-mean
    return `'${name}' is computed by \`distill-bench score\` and \`distill-bench metric\` on recorded responses, not by training runs. Fix: drop it from metrics, or score the run's responses. ${canList}`;
  }
  const missing = [
    ...new Set(
      ids.flatMap((id) => runs.flatMap((r) => missingNeeds(id, availableNeeds(r.task, r.teachers)))),
    ),
  ];
  const tasks = [...new Set(runs.map((r) => r.task.id))].join(', ');
  return `'${name}' needs ${missing.map((n) => NEED_DOCS[n]).join(' and ')}, which no task of this suite (${tasks}) has. Fix: add what it needs or drop it from metrics. ${canList}`;
}
