import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { writeAtomic } from '../fs-atomic.ts';
import { readRunDir, readUnits } from '../runner/run-dir.ts';

/** `distill-bench baseline save <run-dir> --out <file>`: the compact, committable baseline `gate` reads. */
export function registerBaseline(program: Command): void {
  const baseline = program.command('baseline').description('baseline files for `gate`');
  baseline
    .command('save <runDir>')
    .description(
      'write per-seed values, signatures, directions and the environment of a run as a compact JSON baseline',
    )
    .requiredOption('--out <file>', 'baseline file to write, e.g. baselines/main.json')
    .action(async (runDir: string, o: { out: string }) => {
      const { baselineFromRun, serializeBaseline } = await import('../../reports/gate/baseline-file.ts');
      let run: ReturnType<typeof readRunDir>;
      try {
        if (!statSync(runDir).isDirectory()) throw new Error(`${runDir}: not a directory`);
        run = readRunDir(runDir);
      } catch (err) {
        throw new UsageError(
          `baseline save: ${(err as Error).message}. Fix: pass a run directory written by \`distill-bench run\`.`,
          { file: runDir },
        );
      }
      if (run.results.length === 0) {
        throw new UsageError(
          `baseline save: ${runDir}/results.jsonl has no rows. Fix: save a finished run.`,
          { file: runDir },
        );
      }
      const b = baselineFromRun(run, readUnits(runDir) ?? []);
      const text = serializeBaseline(b);
      mkdirSync(dirname(o.out), { recursive: true });
      writeAtomic(o.out, text);
      console.log(
        `${o.out}: ${b.entries.length} series from ${runDir} (${(text.length / 1024).toFixed(1)} KiB)`,
      );
    });
}
