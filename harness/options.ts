import type { z } from 'zod';
import { clip } from './core/sanitize.ts';
import { UsageError } from './errors.ts';
import { unknownNameMessage } from './registry.ts';

/**
 * Parses the options of a registered thing (task, technique) with its zod schema and turns the first
 * problem into one message naming the thing, the option, the bad value and the allowed range.
 */
export function parseOptions<O>(
  kind: string,
  id: string,
  schema: z.ZodType<O>,
  raw: unknown,
  docs: Record<string, { doc: string; range?: string }>,
  where?: { file?: string; field?: string },
): O {
  const res = schema.safeParse(raw ?? {});
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const prefix = where?.field ? `${where.field}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const key = (issue as { keys: string[] }).keys[0];
    throw new UsageError(
      `${prefix}${kind} '${id}': ${unknownNameMessage('option', key, Object.keys(docs))}`,
      where,
    );
  }
  const option = issue.path.join('.') || '(options)';
  const value = issue.path.reduce<any>((o, k) => (o == null ? o : o[k as any]), raw);
  const name = String(issue.path[0]);
  const range = Object.hasOwn(docs, name) ? docs[name].range : undefined;
  throw new UsageError(
    `${prefix}${kind} '${id}', option '${option}' = ${clip(JSON.stringify(value) ?? String(value), 80)}: ${issue.message}.` +
      (range ? ` Allowed: ${range}.` : ''),
    where,
  );
}
