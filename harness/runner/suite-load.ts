import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { metricRegistry } from '../../metrics/index.ts';
import { clip } from '../core/sanitize.ts';
import { UsageError } from '../errors.ts';
import { parseOptions } from '../options.ts';
import { importUserModule } from '../plugins/import-user-module.ts';
import { loadPlugins, resolvePlugins } from '../plugins/load-plugins.ts';
import { readUserText } from '../read-text.ts';
import { unknownNameMessage } from '../registry.ts';
import { taskRegistry } from '../tasks/index.ts';
import { parseTaskOptions } from '../tasks/options.ts';
import { checkPools } from '../tasks/pools.ts';
import { techniqueRegistry } from '../techniques/index.ts';
import { EVALUATORS } from './evaluators.ts';
import { whyUnproducible } from './metric-check.ts';
import { contextLength, resolveModel } from './plan.ts';
import { checkProgramTeachers } from './program-teachers.ts';
import { prepareRecordedTeachers } from './recorded-teachers.ts';
import { smallerTeacherWarnings } from './size-warnings.ts';
import { checkDuplicates } from './suite-duplicates.ts';
import { checkShape, parseSuiteText } from './suite-parse.ts';
import type { Suite } from './suite-schema.ts';
import { DEFAULT_TEACHER_MODEL, SuiteSchema } from './suite-schema.ts';
import type { LoadedSuite, TechniqueRef } from './suite-types.ts';

export const BUILTIN_SUITES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'suites');
const EXTENSIONS = ['.yaml', '.yml', '.json', '.ts'];

export type { LoadedSuite, TechniqueRef };

export function builtinSuites(): string[] {
  if (!existsSync(BUILTIN_SUITES_DIR)) return [];
  const files = readdirSync(BUILTIN_SUITES_DIR).filter(
    (f) => EXTENSIONS.includes(extname(f)) && !f.endsWith('.test.ts'),
  );
  return [...new Set(files.map((f) => basename(f, extname(f))))].sort();
}

/** A built-in suite name or a path to a suite file. */
export function resolveSuiteFile(nameOrPath: string): string {
  if (nameOrPath.length > 4096)
    throw new UsageError(
      `suite: a path of ${nameOrPath.length} characters is too long. Fix: give a shorter path.`,
      {
        file: clip(nameOrPath, 80),
      },
    );
  if (existsSync(nameOrPath) && EXTENSIONS.includes(extname(nameOrPath))) {
    if (statSync(nameOrPath).isDirectory())
      throw new UsageError(
        `${nameOrPath}: is a directory, not a suite file. Fix: give the path of a .yaml, .json or .ts file.`,
        { file: nameOrPath },
      );
    return resolve(nameOrPath);
  }
  for (const ext of EXTENSIONS) {
    const f = join(BUILTIN_SUITES_DIR, `${nameOrPath}${ext}`);
    if (existsSync(f)) return f;
  }
  throw new UsageError(
    `${unknownNameMessage('suite', nameOrPath, builtinSuites())} Or give a path to a .yaml, .json or .ts suite file.`,
    { file: nameOrPath },
  );
}

async function readRaw(file: string): Promise<unknown> {
  if (file.endsWith('.ts')) {
    const mod = await importUserModule(file, `suite ${file}`, { file });
    if (!mod.default)
      throw new UsageError(`${file}: a TypeScript suite must \`export default defineSuite({...})\`.`, {
        file,
      });
    checkShape(file, mod.default);
    return mod.default;
  }
  return parseSuiteText(file, readUserText(file, 'suite file'));
}

function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('') ||
    '(top level)'
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<any>((o, k) => (o == null || typeof o !== 'object' ? undefined : o[k as any]), raw);
}

function zodMessage(file: string, raw: unknown, error: z.ZodError): string {
  const issue = error.issues[0];
  const field = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = (issue as { keys: string[] }).keys[0];
    const known = Object.keys(SuiteSchema.shape);
    return `${file}: field '${issue.path.length ? `${field}.` : ''}${key}' is not allowed. ${issue.path.length ? '' : unknownNameMessage('field', key, known)}`.trim();
  }
  const got = valueAt(raw, issue.path);
  const shown = got === undefined ? 'nothing' : clip(JSON.stringify(got) ?? String(got), 60);
  return `${file}: field '${field}' = ${shown}: ${issue.message}. Fix: set '${field}' to a valid value (see the suite reference in README).`;
}

/** Loads, validates and resolves a suite; every problem is a UsageError naming file and field. */
export async function loadSuite(nameOrPath: string): Promise<LoadedSuite> {
  const file = resolveSuiteFile(nameOrPath);
  const raw = await readRaw(file);
  const parsed = SuiteSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(zodMessage(file, raw, parsed.error), { file });
  const suite = parsed.data;
  const plugins = resolvePlugins(suite.plugins, file);
  await loadPlugins(plugins, file);
  checkDuplicates(file, suite);
  const at = (field: string) => ({ file, field });
  const taskOptions = suite.tasks.map((t, i) => {
    const task = wrap(file, `tasks[${i}].id`, () => taskRegistry.get(t.id));
    try {
      return parseTaskOptions(task, task.prepareOptions?.(t.options, dirname(file)) ?? t.options);
    } catch (err) {
      throw new UsageError(
        `${file}: tasks[${i}].options: ${(err as Error).message}`,
        at(`tasks[${i}].options`),
      );
    }
  });
  const techniques = suite.techniques.map((entry, i) => {
    const field = `techniques[${i}]`;
    const [id, label, options] =
      typeof entry === 'string'
        ? [entry, entry, {}]
        : 'id' in entry && typeof entry.id === 'string'
          ? [entry.id, (entry.as as string | undefined) ?? entry.id, entry.options]
          : [Object.keys(entry)[0], Object.keys(entry)[0], Object.values(entry)[0]];
    const def = wrap(file, field, () => techniqueRegistry.get(id as string));
    return {
      id: def.id,
      label: label as string,
      options: wrap(file, field, () =>
        parseOptions('technique', def.id, def.options, options, def.optionDocs),
      ),
    };
  });
  const labels = techniques.map((t) => t.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup)
    throw new UsageError(
      `${file}: technique label '${dup}' appears twice. Fix: give variants distinct 'as:' labels.`,
      at('techniques'),
    );
  // A suite may name single metrics or whole families (e.g. `rse`, `ice`, `edit`) that one evaluator computes.
  const families = EVALUATORS.map((e) => e.family);
  const runs = suite.tasks.map((t) => ({
    task: taskRegistry.get(t.id),
    teachers: (t.teachers ?? suite.teachers).length,
  }));
  suite.metrics?.forEach((m, i) => {
    if (!families.includes(m)) wrap(file, `metrics[${i}]`, () => metricRegistry.get(m));
    const why = whyUnproducible(m, runs);
    if (why) throw new UsageError(`${file}: metrics[${i}]: ${why}`, at(`metrics[${i}]`));
  });
  const warnings: string[] = [];
  suite.tasks.forEach((t, i) => {
    const task = taskRegistry.get(t.id);
    const profiles = task.profileNames(taskOptions[i]);
    (t.teachers ?? suite.teachers).forEach((teacher, j) => {
      if (teacher.profile && !profiles.includes(teacher.profile)) {
        const where = t.teachers ? `tasks[${i}].teachers[${j}].profile` : `teachers[${j}].profile`;
        throw new UsageError(
          `${file}: ${where}: ${unknownNameMessage(`profile of task '${t.id}'`, teacher.profile, profiles)}`,
          at(where),
        );
      }
    });
    checkTaskData(file, suite, i, taskOptions[i]);
    checkProgramTeachers(file, suite, i, task, techniques);
    warnings.push(...prepareRecordedTeachers(file, suite, i, taskOptions[i], techniques));
    const maxLen = contextLength(taskOptions[i]);
    const students = suite.students.map((st, j) =>
      wrap(file, `students[${j}].model`, () => resolveModel(st.model, maxLen, `students[${j}].model`)),
    );
    const teachers = (t.teachers ?? suite.teachers).map((te, j) =>
      wrap(file, `teachers[${j}].model`, () =>
        resolveModel(te.model ?? DEFAULT_TEACHER_MODEL, maxLen, `teachers[${j}].model`),
      ),
    );
    techniques.forEach((tech, k) => {
      const def = techniqueRegistry.get(tech.id);
      if (teachers.length < def.minTeachers) {
        throw new UsageError(
          `${file}: techniques[${k}] '${tech.id}' needs at least ${def.minTeachers} teacher(s) but task '${t.id}' has ${teachers.length}. Fix: add teachers or drop the technique.`,
          at(`techniques[${k}]`),
        );
      }
      for (const student of students)
        wrap(file, `techniques[${k}].options`, () => def.checkModels?.(tech.options, { student, teachers }));
    });
    const ids = (xs: { id: string }[], configs: typeof students) =>
      xs.map((x, j) => ({ id: x.id, config: configs[j] }));
    warnings.push(
      ...smallerTeacherWarnings(
        file,
        t.id,
        techniques,
        ids(t.teachers ?? suite.teachers, teachers),
        ids(suite.students, students),
      ),
    );
  });
  return { suite, file, techniques, taskOptions, plugins, warnings };
}

/** Pool sizes the task can generate and teacher floors on metrics the task produces (exit 2 otherwise). */
function checkTaskData(file: string, suite: Suite, i: number, options: unknown): void {
  const entry = suite.tasks[i];
  const task = taskRegistry.get(entry.id);
  if (suite.data) checkPools(task, options, suite.data, file);
  (entry.teachers ?? suite.teachers).forEach((teacher, j) => {
    const where = entry.teachers ? `tasks[${i}].teachers[${j}]` : `teachers[${j}]`;
    for (const metric of Object.keys(teacher.minQuality ?? {}))
      if (!task.metrics.includes(metric))
        throw new UsageError(
          `${file}: ${where}.minQuality.${metric}: task '${task.id}' does not produce metric '${metric}'. ` +
            `Fix: use one of ${task.metrics.join(', ')}.`,
          { file, field: `${where}.minQuality` },
        );
  });
}

function wrap<T>(file: string, field: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${file}: ${field}: ${err.message}`, { file, field });
    throw err;
  }
}
