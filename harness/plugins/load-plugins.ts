import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { metricRegistry } from '../../metrics/index.ts';
import { UsageError } from '../errors.ts';
import { taskRegistry } from '../tasks/index.ts';
import { techniqueRegistry } from '../techniques/index.ts';
import { importUserModule } from './import-user-module.ts';

/**
 * A suite's `plugins:` (files relative to the suite, or installed packages): modules that register
 * tasks, techniques or metrics when imported. The main process loads them before the suite's names
 * are checked, and every worker process loads the same list before its first job
 * (harness/runner/worker.ts), so the plan and the jobs see the same registries.
 */
export interface PluginRef {
  /** As written in the suite: shown by `list` as the origin. */
  name: string;
  /** What is imported: an absolute file path or a resolved package entry. */
  specifier: string;
}

/** Registry entry id ("task:foo") → the plugin that registered it. */
export const pluginOrigins = new Map<string, string>();
const loaded = new Set<string>();

export function resolvePlugins(names: readonly string[], suiteFile: string): PluginRef[] {
  const base = dirname(suiteFile);
  return names.map((name, i) => {
    const where = { file: suiteFile, field: `plugins[${i}]` };
    if (name.startsWith('.') || isAbsolute(name)) {
      const file = resolve(base, name);
      if (!existsSync(file))
        throw new UsageError(
          `${suiteFile}: plugins[${i}]: '${name}' not found (looked at ${file}). Fix: give a path relative to the suite file.`,
          where,
        );
      return { name, specifier: file };
    }
    try {
      return { name, specifier: createRequire(suiteFile).resolve(name) };
    } catch {
      throw new UsageError(
        `${suiteFile}: plugins[${i}]: package '${name}' is not installed where the suite is. Fix: npm install ${name}, or use a path starting with ./`,
        where,
      );
    }
  });
}

const snapshot = () => [
  ...taskRegistry.ids().map((id) => `task:${id}`),
  ...techniqueRegistry.ids().map((id) => `technique:${id}`),
  ...metricRegistry.ids().map((id) => `metric:${id}`),
];

/** Imports each plugin once per process, recording what it registered. */
export async function loadPlugins(plugins: readonly PluginRef[], suiteFile?: string): Promise<void> {
  for (const [i, p] of plugins.entries()) {
    if (loaded.has(p.specifier)) continue;
    const before = new Set(snapshot());
    await importUserModule(p.specifier, `plugin '${p.name}'`, { file: suiteFile, field: `plugins[${i}]` });
    loaded.add(p.specifier);
    for (const id of snapshot()) if (!before.has(id)) pluginOrigins.set(id, p.name);
  }
}
