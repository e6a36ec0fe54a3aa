import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';

interface GateFlags {
  baseline: string;
  tolerance: string[];
  config?: string;
  strictEnv?: boolean;
  failOnMissing?: boolean;
  out?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `distill-bench gate <run-dir> --baseline <…>`: exit 0 no regression, 1 regression, 2 bad input,
 * refused comparison (metric signatures differ) or --strict-env difference. The rules are in
 * reports/gate/README.md.
 */
export function registerGate(program: Command): void {
  program
    .command('gate <runDir>')
    .description(
      'fail CI only when a metric is worse than the baseline beyond its tolerance, by the whole CI of the difference',
    )
    .requiredOption(
      '--baseline <path>',
      'baseline: a run directory, a baseline .json (`baseline save`) or a per-seed results .csv',
    )
    .option(
      '--tolerance <metric=value>',
      'absolute tolerance for a metric, overriding the registry and gate.yaml (repeatable)',
      collect,
      [],
    )
    .option(
      '--config <gate.yaml>',
      'gate settings: level, tolerances, metrics, exclude, strictEnv, failOnMissing',
    )
    .option(
      '--strict-env',
      'exit 2 when backend, tfjs, harness, Node major, CPU/GPU or metric signatures differ',
    )
    .option('--fail-on-missing', 'exit 1 when a row is missing on either side (default: listed only)')
    .option('--json', 'print the gate result (verdict, comparisons) as JSON instead of the table')
    .option('--out <dir>', 'where gate.md, gate.junit.xml and gate.json go (default: the run directory)')
    .action(async (runDir: string, o: GateFlags) => {
      // Imported on use so other commands do not load the gate or every metric family.
      const { metricRegistry } = await import('../../metrics/index.ts');
      const { runGate, writeGateOutputs } = await import('../../reports/gate/gate.ts');
      const { renderTerminal } = await import('../../reports/gate/render-terminal.ts');
      const result = runGate({
        candidate: runDir,
        baseline: o.baseline,
        tolerances: o.tolerance,
        config: o.config,
        strictEnv: o.strictEnv,
        failOnMissing: o.failOnMissing,
        lookup: (id) => (metricRegistry.has(id) ? metricRegistry.get(id) : undefined),
        registeredMetrics: metricRegistry.ids(),
      });
      const files = writeGateOutputs(
        result,
        o.out ?? (statSync(runDir).isDirectory() ? runDir : dirname(runDir)),
      );
      if (o.json) {
        console.log(JSON.stringify(result));
        console.error(`wrote ${files.join(', ')}`);
      } else {
        process.stdout.write(renderTerminal(result));
        console.log(`wrote ${files.join(', ')}`);
      }
      for (const e of result.errors) console.error(`error: ${e}`);
      process.exitCode = result.verdict.exitCode;
    });
}
