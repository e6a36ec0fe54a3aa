/**
 * `node bin/run-ts.mjs bench/tasks.ts [--repeats 5] [--json]`
 * Times building each task's default splits (issue #4: under 2 s each). Every task runs in its own
 * child process so "cold" really includes loading and parsing its dictionaries and corpora; "warm"
 * is the median of further builds in that process, with the parsed data cached.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parseTaskOptions, taskRegistry } from '../harness/tasks/index.ts';
import type { TaskData } from '../harness/tasks/types.ts';

const BUDGET_MS = 2000;

const opts = new Command()
  .option('--task <id>', 'measure one task in this process (used by the parent run)')
  .option('--repeats <n>', 'warm builds per task', (v) => Number.parseInt(v, 10), 5)
  .option('--json', 'print one JSON line per task')
  .parse()
  .opts();

interface Row {
  task: string;
  coldMs: number;
  warmMs: number;
  examples: number;
  chars: number;
  maxLen: number;
}

function measure(id: string, repeats: number): Row {
  const task = taskRegistry.get(id);
  const t0 = performance.now();
  const data: TaskData = task.generate(parseTaskOptions(task, {}), 0);
  const coldMs = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 1; i <= repeats; i++) {
    const t = performance.now();
    task.generate(parseTaskOptions(task, {}), i);
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  const all = [
    ...Object.values(data.splits).flat(),
    ...Object.values(data.profiles ?? {}).flat(),
    ...Object.values(data.extra ?? {}).flat(),
  ];
  const chars = new Set(all.flatMap((e) => [...e.prompt, ...e.response]));
  return {
    task: id,
    coldMs,
    warmMs: warm[Math.floor(warm.length / 2)] ?? Number.NaN,
    examples: all.length,
    chars: chars.size,
    maxLen: Math.max(...all.map((e) => e.prompt.length + e.response.length)),
  };
}

if (opts.task) {
  process.stdout.write(`${JSON.stringify(measure(opts.task, opts.repeats))}\n`);
} else {
  const runner = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = [];
  for (const id of taskRegistry.ids()) {
    const child = spawnSync(
      process.execPath,
      [runner, self, '--task', id, '--repeats', String(opts.repeats)],
      {
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(`bench of task '${id}' failed:\n${child.stderr}`);
    const row = JSON.parse(child.stdout.trim().split('\n').pop()!) as Row;
    rows.push(row);
    if (opts.json) console.log(JSON.stringify(row));
  }
  if (!opts.json) {
    const ms = (v: number) => v.toFixed(0).padStart(8);
    console.log(`default splits per task, node ${process.version}; cold = fresh process incl. data loading`);
    console.log(
      `${'task'.padEnd(24)} ${'cold ms'.padStart(8)} ${'warm ms'.padStart(8)} ${'examples'.padStart(9)} ${'chars'.padStart(6)} ${'max len'.padStart(8)}  < 2 s`,
    );
    for (const r of rows) {
      console.log(
        `${r.task.padEnd(24)} ${ms(r.coldMs)} ${ms(r.warmMs)} ${String(r.examples).padStart(9)} ${String(r.chars).padStart(6)} ${String(r.maxLen).padStart(8)}  ${r.coldMs < BUDGET_MS ? 'yes' : 'NO'}`,
      );
    }
  }
  if (rows.some((r) => r.coldMs >= BUDGET_MS)) process.exitCode = 1;
}
