import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readJsonl, runSuite, tmp } from '../helpers/cli.ts';

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');

/**
 * micro.yaml with a teacher larger than the student (so `teacher-size` differs from `student`) and
 * one co-distillation entry per peer setting, one seed, test split only.
 */
function peerSuite(dir: string): string {
  const s = YAML.parse(readFileSync(MICRO, 'utf8'));
  s.teachers[0].model = { preset: 'nano', dModel: 48 };
  s.techniques = [
    { id: 'co-distillation', as: 'codist-big', options: { peer: 'teacher-size' } },
    { id: 'co-distillation', as: 'codist-twin', options: { peer: 'student' } },
  ];
  s.seeds = [1];
  s.training.steps = 8;
  s.evaluation = { splits: ['test'], maxExamples: 6, maxNewTokens: 6 };
  const f = join(dir, 'peer.yaml');
  writeFileSync(f, YAML.stringify(s));
  return f;
}

describe('co-distillation peer reference', () => {
  it('a teacher-sized peer is scored as its own `peer` row; a student-sized one is not', () => {
    const dir = tmp('db-codist-peer-');
    const out = join(dir, 'run');
    const r = runSuite(peerSuite(dir), dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = readJsonl<{ technique: string; role?: string; student: string; metric: string }>(
      join(out, 'results.jsonl'),
    );
    const peerRows = rows.filter((x) => x.role === 'peer');
    expect(peerRows.length).toBeGreaterThan(0);
    expect(new Set(peerRows.map((x) => x.technique))).toEqual(new Set(['codist-big/peer']));
    expect(new Set(peerRows.map((x) => x.student))).toEqual(new Set(['s']));
    // Scored like a student: the task's accuracy is among its rows (supervision-conflict metrics are the student's own).
    expect(peerRows.some((x) => x.metric === 'accuracy')).toBe(true);
    expect(rows.some((x) => x.technique.startsWith('codist-twin/'))).toBe(false);
    expect(rows.some((x) => x.technique === 'codist-twin' && x.role === undefined)).toBe(true);
  }, 120_000);
});
