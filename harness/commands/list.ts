import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { unknownNameMessage } from '../registry.ts';

function defaultsOf(schema: {
  safeParse(v: unknown): { success: boolean; data?: unknown };
}): Record<string, unknown> {
  const r = schema.safeParse({});
  return r.success ? (r.data as Record<string, unknown>) : {};
}

function optionLines(schema: any, docs: Record<string, { doc: string; range?: string }>): string[] {
  const defaults = defaultsOf(schema);
  return Object.entries(docs).map(
    ([k, d]) => `    ${k} = ${JSON.stringify(defaults[k])}  ${d.doc}${d.range ? ` [${d.range}]` : ''}`,
  );
}

/** Where a registry entry came from: ` (plugin ./x.ts)` for plugin entries, '' for built-ins. */
async function origin(kind: 'task' | 'technique' | 'metric', id: string): Promise<string> {
  const { pluginOrigins } = await import('../plugins/load-plugins.ts');
  const from = pluginOrigins.get(`${kind}:${id}`);
  return from ? ` (plugin ${from})` : '';
}

/** `list --json`: the same registries as data (ids, descriptions, option defaults). */
const JSON_KINDS: Record<string, () => Promise<unknown[]>> = {
  tasks: async () => {
    const { taskRegistry } = await import('../tasks/index.ts');
    return taskRegistry.all().map((t) => ({
      id: t.id,
      description: t.description,
      metrics: t.metrics,
      options: optionData(t.options, t.optionDocs),
    }));
  },
  techniques: async () => {
    const { techniqueRegistry } = await import('../techniques/index.ts');
    return techniqueRegistry.all().map((t) => ({
      id: t.id,
      description: t.description,
      citation: t.citation,
      minTeachers: t.minTeachers,
      teacherAccess: teacherAccessText(t.teacherAccess),
      dataUse: t.dataUse ?? null,
      options: optionData(t.options, t.optionDocs),
    }));
  },
  metrics: async () => {
    const { metricRegistry, familyOf } = await import('../../metrics/index.ts');
    const { needsOf } = await import('../../metrics/family.ts');
    return metricRegistry.all().map((m) => {
      const family = familyOf(m.id);
      return {
        id: m.id,
        direction: m.direction,
        signature: m.signature,
        description: m.description,
        needs: family ? needsOf(family, m.id) : undefined,
      };
    });
  },
  suites: async () => (await import('../runner/suite-load.ts')).builtinSuites(),
};

const TEACHER_ACCESS_LINE: Record<string, string> = {
  outputs: 'outputs (a program or recorded teacher will do)',
  model: 'model (needs a trained teacher)',
  'depends on options': 'depends on options (docs/data-pools.md, "Program teachers")',
};

/** 'outputs', 'model' (also when unstated: the safe default) or 'depends on options'. */
function teacherAccessText(a: unknown): string {
  return typeof a === 'function' ? 'depends on options' : a === 'outputs' ? 'outputs' : 'model';
}

function optionData(schema: any, docs: Record<string, { doc: string; range?: string }>) {
  const defaults = defaultsOf(schema);
  return Object.entries(docs).map(([name, d]) => ({ name, default: defaults[name], ...d }));
}

/** What `list` can show; each kind loads its registry lazily so `list suites` stays fast. */
const KINDS: Record<string, () => Promise<string[]>> = {
  tasks: async () => {
    const { taskRegistry } = await import('../tasks/index.ts');
    const from = await Promise.all(taskRegistry.all().map((t) => origin('task', t.id)));
    return taskRegistry
      .all()
      .flatMap((t, i) => [
        `${t.id}${from[i]}: ${t.description}`,
        `  metrics: ${t.metrics.join(', ')}`,
        ...optionLines(t.options, t.optionDocs),
      ]);
  },
  techniques: async () => {
    const { techniqueRegistry } = await import('../techniques/index.ts');
    const from = await Promise.all(techniqueRegistry.all().map((t) => origin('technique', t.id)));
    return techniqueRegistry
      .all()
      .flatMap((t, i) => [
        `${t.id}${from[i]}: ${t.description}`,
        `  citation: ${t.citation}`,
        `  teachers needed: ${t.minTeachers}`,
        `  teacher access: ${TEACHER_ACCESS_LINE[teacherAccessText(t.teacherAccess)]}`,
        `  data use: ${t.dataUse ?? 'not stated (plugin)'}`,
        ...optionLines(t.options, t.optionDocs),
      ]);
  },
  metrics: async () => {
    const { metricRegistry, familyOf } = await import('../../metrics/index.ts');
    const { needsOf, NEED_DOCS } = await import('../../metrics/family.ts');
    const from = await Promise.all(metricRegistry.all().map((m) => origin('metric', m.id)));
    return metricRegistry.all().flatMap((m, i) => {
      const family = familyOf(m.id);
      const needs = family ? needsOf(family, m.id).map((n) => NEED_DOCS[n]) : [];
      return [
        `${m.id.padEnd(28)} ${m.direction === 'higher' ? '↑ higher' : '↓ lower '} is better  ${m.signature}  ${m.description}${from[i]}`,
        `${''.padEnd(28)} needs: ${needs.length ? needs.join('; ') : family ? "only the student's responses" : 'declared by its plugin'}`,
      ];
    });
  },
  suites: async () => (await import('../runner/suite-load.ts')).builtinSuites(),
};

export function registerList(program: Command): void {
  program
    .command('list [kind]')
    .description(`list ${Object.keys(KINDS).join(', ')} (default: all)`)
    .option('--suite <suite>', "also list what the suite's plugins register, marked with the plugin")
    .option('--json', 'print {kind: [...]} as JSON')
    .action(async (kind: string | undefined, o: { suite?: string; json?: boolean }) => {
      if (kind && !KINDS[kind])
        throw new UsageError(unknownNameMessage('list kind', kind, Object.keys(KINDS)));
      if (o.suite) await (await import('../runner/suite-load.ts')).loadSuite(o.suite);
      if (o.json) {
        const out: Record<string, unknown[]> = {};
        for (const k of kind ? [kind] : Object.keys(KINDS)) out[k] = await JSON_KINDS[k]();
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      for (const k of kind ? [kind] : Object.keys(KINDS)) {
        console.log(`# ${k}`);
        for (const line of await KINDS[k]()) console.log(line);
        console.log('');
      }
    });
}
