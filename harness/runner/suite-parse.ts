import YAML from 'yaml';
import { forTerminal } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';

/**
 * Suite text → plain data, with the limits a configuration file never needs to exceed, so hostile
 * or broken files end as one exit-2 message naming the file instead of a stack trace or a hang:
 * YAML aliases (a "billion laughs" bomb expands a few lines into gigabytes), nesting depth (deep
 * structures overflow the stack of every recursive reader after this one), string length, and keys
 * that name Object.prototype members.
 */

/** Most YAML alias expansions a suite may use (the yaml package's own default, made explicit). */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and lists; real suites use 4 or 5 levels. */
export const MAX_DEPTH = 32;
/** Longest string anywhere in a suite: a suite is configuration, data belongs in files. */
export const MAX_STRING = 10_000;
/** Keys that would reach Object.prototype in code that indexes plain objects. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const firstLine = (m: string) => forTerminal(m.split('\n')[0], 300);

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${file}: invalid JSON: ${firstLine((err as Error).message)}. Fix the syntax at that position.`,
      { file },
    );
  }
}

function parseYaml(file: string, text: string): unknown {
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { prettyErrors: true });
  } catch (err) {
    throw new UsageError(`${file}: YAML could not be parsed: ${firstLine(String(err))}.`, { file });
  }
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    if (/call stack/i.test(e.message))
      throw new UsageError(
        `${file}${at}: nested more than the parser can read. Fix: a suite needs at most ${MAX_DEPTH} levels of nesting.`,
        { file },
      );
    throw new UsageError(
      `${file}${at}: YAML syntax error: ${firstLine(e.message)}. Fix the YAML at that line.`,
      {
        file,
      },
    );
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/excessive alias count/i.test(msg))
      throw new UsageError(
        `${file}: YAML aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias uses, the shape of a "billion laughs" attack). Fix: write the values out or use fewer aliases.`,
        { file },
      );
    if (/unresolved alias/i.test(msg))
      throw new UsageError(
        `${file}: YAML alias refers to an anchor that is not defined before it (${firstLine(msg)}). Fix: define the anchor (&name) before its alias (*name).`,
        { file },
      );
    if (err instanceof RangeError)
      throw new UsageError(
        `${file}: nested too deeply to read. Fix: a suite needs at most ${MAX_DEPTH} levels of nesting.`,
        { file },
      );
    throw new UsageError(`${file}: YAML could not be converted: ${firstLine(msg)}.`, { file });
  }
}

/** Parses a .json, .yaml or .yml suite's text (BOM already stripped) and checks its shape limits. */
export function parseSuiteText(file: string, text: string): unknown {
  const raw = file.endsWith('.json') ? parseJson(file, text) : parseYaml(file, text);
  checkShape(file, raw);
  return raw;
}

const pathText = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('') || '(top level)';

/**
 * Depth, string length and reserved keys, for any suite value (YAML, JSON or a TypeScript module's
 * export, which may even be cyclic: the depth limit ends the walk).
 */
export function checkShape(file: string, raw: unknown): void {
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      if (v.length > MAX_STRING)
        throw new UsageError(
          `${file}: field '${pathText(path)}' is a string of ${v.length} characters; at most ${MAX_STRING} are allowed. Fix: shorten it (data belongs in files, not in the suite).`,
          { file, field: pathText(path) },
        );
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (path.length >= MAX_DEPTH)
      throw new UsageError(
        `${file}: field '${clipPath(path)}' is nested more than ${MAX_DEPTH} levels deep. Fix: a suite needs at most ${MAX_DEPTH} levels of nesting.`,
        { file },
      );
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      return;
    }
    for (const key of Object.keys(v)) {
      const at = [...path, key];
      if (RESERVED_KEYS.has(key))
        throw new UsageError(
          `${file}: field '${forTerminal(pathText(at), 300)}' is not allowed: '${key}' is a reserved name. Fix: remove it.`,
          { file, field: pathText(at) },
        );
      if (key.length > 200)
        throw new UsageError(
          `${file}: a key of ${key.length} characters under '${pathText(path)}' ('${forTerminal(key, 40)}'); at most 200 are allowed. Fix: use the field names of the suite reference in README.`,
          { file },
        );
      walk((v as Record<string, unknown>)[key], at);
    }
  };
  walk(raw, []);
}

const clipPath = (path: (string | number)[]) => `${forTerminal(pathText(path.slice(0, 6)), 300)}…`;
