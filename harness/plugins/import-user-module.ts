import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.ts';

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText?: string } | null;
}

/**
 * The first compile error of a TypeScript file as `file:line:col: message`, from esbuild's
 * TransformError (what tsx throws) or Node's SyntaxError; undefined for any other error.
 */
function syntaxErrorAt(err: unknown, file: string): string | undefined {
  const e = err as { errors?: EsbuildMessage[]; name?: string; message?: string; stack?: string };
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  if (first?.text) {
    const loc = first.location;
    // esbuild columns are 0-based; editors count from 1.
    return loc ? `${loc.file}:${loc.line}:${loc.column + 1}: ${first.text}` : `${file}: ${first.text}`;
  }
  // Through the CommonJS hook esbuild's error arrives as text only: "file:line:col: ERROR: text".
  const text = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(e?.message ?? '');
  if (text) return `${text[1]}:${text[2]}:${text[3] ? Number(text[3]) + 1 : ''}: ${text[4]}`;
  if (e instanceof SyntaxError) {
    const at = /^(\S+):(\d+)\n/.exec(e.stack ?? '');
    return `${at ? `${at[1]}:${at[2]}` : file}: ${e.message}`;
  }
  return undefined;
}

/**
 * Imports a user's module (a TypeScript suite or a plugin file) through the tsx hooks that
 * bin/register-tsx.mjs registered, in ESM and CommonJS projects alike. Compile errors become a
 * UsageError with file:line (exit 2) instead of esbuild's stack; any other error thrown while the
 * module evaluates becomes a UsageError naming `what` with the module's own message.
 */
export async function importUserModule(
  specifier: string,
  what: string,
  where: { file?: string; field?: string },
): Promise<Record<string, unknown>> {
  // Loaded first so a CommonJS module's require('distill-bench') finds this process's instance
  // (bin/api.cjs) and registers into the registries the run reads.
  await import('../api.ts');
  const target = /^[./]|^[A-Za-z]:[\\/]/.test(specifier) ? pathToFileURL(specifier).href : specifier;
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (err) {
    const syntax = syntaxErrorAt(err, specifier);
    if (syntax)
      throw new UsageError(`${syntax}. Fix the syntax of ${what} at that line.`, {
        ...where,
        file: specifier,
      });
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND')
      throw new UsageError(`${what}: cannot be found (${e.message.split('\n')[0]}).`, where);
    throw new UsageError(`${what} threw while loading: ${e?.message ?? String(err)}`, where);
  }
}
