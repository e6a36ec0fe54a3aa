import type { Command } from 'commander';

export function registerValidate(program: Command): void {
  program
    .command('validate <suite>')
    .description('check a suite file (schema, names, options, teacher counts) without running anything')
    .option('--json', 'print the counts as JSON')
    .action(async (suite: string, o: { json?: boolean }) => {
      const { loadSuite } = await import('../runner/suite-load.ts');
      const loaded = await loadSuite(suite);
      const s = loaded.suite;
      const { forTerminal } = await import('../core/sanitize.ts');
      for (const w of loaded.warnings) console.error(`warning: ${forTerminal(w)}`);
      if (o.json) {
        console.log(
          JSON.stringify({
            file: loaded.file,
            ok: true,
            tasks: s.tasks.map((t) => t.id),
            teachers: s.teachers.length,
            students: s.students.length,
            techniques: loaded.techniques.map((t) => t.label),
            seeds: s.seeds,
            warnings: loaded.warnings,
          }),
        );
        return;
      }
      console.log(
        `${loaded.file}: ok — ${s.tasks.length} task(s), ${s.teachers.length} teacher(s), ${s.students.length} student(s), ` +
          `${loaded.techniques.length} technique(s), ${s.seeds.length} seed(s)`,
      );
    });
}
