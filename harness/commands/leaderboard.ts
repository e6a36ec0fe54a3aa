import { join } from 'node:path';
import type { Command } from 'commander';
import { prepareOutDir } from '../core/out-path.ts';

export function registerLeaderboard(program: Command): void {
  program
    .command('leaderboard <runDirs...>')
    .description(
      "rank (suite, technique, student) rows per task from many run directories, with each row's history across runs, rank bands and trend charts: index.html, leaderboard.csv, leaderboard.json",
    )
    .requiredOption('--out <dir>', 'output directory (a static site, e.g. for GitHub Pages)')
    .option('--json', 'print leaderboard.json on stdout too')
    .action(async (runDirs: string[], o: { out: string; json?: boolean }) => {
      prepareOutDir(o.out); // before any work: a file, symlink or unwritable --out is exit 2
      const { writeLeaderboard } = await import('../../reports/leaderboard.ts');
      const lb = writeLeaderboard(runDirs, o.out);
      if (o.json) {
        console.log(JSON.stringify(lb));
        return;
      }
      const split = lb.tables.filter((t) => t.reason).length;
      console.log(
        `${join(o.out, 'index.html')}: ${lb.tables.length} table(s) from ${runDirs.length} run dir(s)${split ? `, ${split} kept apart because metric signatures differ` : ''}`,
      );
    });
}
