import type { z } from 'zod';
import { UsageError } from '../errors.ts';
import { unknownNameMessage } from '../registry.ts';
import type { TaskDefinition } from './types.ts';

type Issue = z.core.$ZodIssue;

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v && typeof v === 'object' ? (v as any)[p as any] : undefined;
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describe(task: TaskDefinition, raw: unknown, issue: Issue): string {
  const prefix = `task '${task.id}':`;
  const known = Object.keys(task.optionDocs);
  if (issue.code === 'unrecognized_keys') {
    if (issue.path.length === 0) {
      return issue.keys.map((k) => `${prefix} ${unknownNameMessage('option', k, known)}`).join('\n');
    }
    const top = String(issue.path[0]);
    const range = task.optionDocs[top]?.range;
    return (
      `${prefix} option '${pathText(issue.path)}' has unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}.` +
      (range ? ` Allowed: ${range}.` : '')
    );
  }
  const name = pathText(issue.path) || '(options)';
  const range = issue.path.length ? task.optionDocs[String(issue.path[0])]?.range : undefined;
  const got = issue.path.length ? ` (got ${show(valueAt(raw, issue.path))})` : '';
  return `${prefix} option '${name}': ${issue.message}${got}.${range ? ` Allowed: ${range}.` : ''}`;
}

/**
 * Validates raw task options (from a suite file or the CLI) against the task's strict zod schema and
 * fills defaults. Every problem becomes one line naming the task, the option, what was given and the
 * allowed range; unknown option names get did-you-mean suggestions. Throws UsageError (exit code 2).
 */
export function parseTaskOptions<O>(task: TaskDefinition<O>, raw: unknown): O {
  const input = raw === undefined || raw === null ? {} : raw;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new UsageError(`task '${task.id}': options must be an object of option: value, got ${show(input)}.`, {
      field: 'options',
    });
  }
  const r = task.options.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues as Issue[];
  const first = issues[0];
  throw new UsageError(issues.map((i) => describe(task, input, i)).join('\n'), {
    field: first?.path.length ? `options.${pathText(first.path)}` : 'options',
  });
}
