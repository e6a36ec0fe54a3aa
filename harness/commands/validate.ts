import type { Command } from 'commander';

export function registerValidate(program: Command): void {
  program
    .command('validate <suite>')
    .description('check a suite file (schema, names, options, teacher counts) without running anything')
    .action(async (suite: string) => {
      const { loadSuite } = await import('../runner/suite-load.ts');
      const loaded = await loadSuite(suite);
      const s = loaded.suite;
      console.log(
        `${loaded.file}: ok — ${s.tasks.length} task(s), ${s.teachers.length} teacher(s), ${s.students.length} student(s), ` +
          `${loaded.techniques.length} technique(s), ${s.seeds.length} seed(s)`,
      );
    });
}
