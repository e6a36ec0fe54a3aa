/**
 * Environment check: numbers from different backends, tfjs builds, harness versions, Node majors or
 * machines can differ for reasons that are not the change under test. Each difference is named;
 * `--strict-env` turns any of them into exit 2.
 */
import type { EnvDifference, EnvironmentInfo } from './types.ts';

/** tfjs packages whose versions are recorded in manifest.environment (harness/engine/device-info.ts). */
const TFJS_PACKAGES = ['tfjs', 'tfjsBackendWasm', 'tfjsBackendWebgpu', 'tfjsNode', 'tfjsNodeGpu'] as const;

function text(v: unknown): string {
  if (v === undefined) return '(not recorded)';
  if (v === null) return 'none';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** "v20.11.1" → "20"; anything unparsable is compared whole. */
export function nodeMajor(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^v?(\d+)\./.exec(v);
  return m ? m[1] : v;
}

/** Fields compared, in output order: [name, value getter]. */
const FIELDS: [string, (e: EnvironmentInfo) => unknown][] = [
  ['backend', (e) => e.backend],
  ...TFJS_PACKAGES.map((p): [string, (e: EnvironmentInfo) => unknown] => [
    `environment.${p} version`,
    (e) => e.environment?.[p],
  ]),
  ['harness version', (e) => e.harnessVersion],
  ['Node major', (e) => nodeMajor(e.environment?.node)],
  ['CPU', (e) => e.environment?.cpu],
  ['GPU', (e) => e.environment?.gpu],
  // Not an environment fact, but numbers from a changed suite (data sizes, steps) are not the same experiment.
  ['suite', (e) => (e.suite ? `${e.suite.name} (hash ${e.suite.hash})` : undefined)],
];

/**
 * Differences between the two environments. A field recorded on one side only counts as a
 * difference only when it is recorded on the baseline side (an older baseline that lacks a field
 * the candidate records is not flagged for it).
 */
export function environmentDifferences(
  baseline: EnvironmentInfo,
  candidate: EnvironmentInfo,
): EnvDifference[] {
  const out: EnvDifference[] = [];
  for (const [field, get] of FIELDS) {
    const b = get(baseline);
    const c = get(candidate);
    if (b === undefined) continue;
    if (text(b) !== text(c)) out.push({ field, baseline: text(b), candidate: text(c) });
  }
  const bs = baseline.metricSignatures ?? {};
  const cs = candidate.metricSignatures ?? {};
  for (const metric of Object.keys(bs).sort()) {
    if (metric in cs && bs[metric] !== cs[metric]) {
      out.push({ field: `metric signature '${metric}'`, baseline: bs[metric], candidate: cs[metric] });
    }
  }
  return out;
}

export function describeDifference(d: EnvDifference): string {
  return `${d.field} differs: baseline ${d.baseline}, candidate ${d.candidate}`;
}
