import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Finds the markdown documents that source comments cite and checks each against the repository:
 * the file must exist and a cited `#anchor` or `("Heading")` must name one of its headings. Comments
 * may cite only files inside the repository (the style rule of docs/methodology.md#comments-and-citations).
 */

/** Names the harness writes into a run directory; a comment naming one describes output, not a document. */
const OUTPUT_NAMES = new Set(['summary.md', 'gate.md']);

export interface Citation {
  file: string;
  line: number;
  /** The cited path as written, e.g. `docs/methodology.md`. */
  target: string;
  anchor?: string;
  /** A heading named in quotes right after the path: `docs/x.md ("Adding a metric")`. */
  heading?: string;
}

export interface BadCitation extends Citation {
  why: string;
}

/** The comment text of one line of TypeScript/JavaScript, or '' when the line has none. */
export function commentText(line: string): string {
  const t = line.trim();
  if (t.startsWith('*') || t.startsWith('/*')) return t;
  // A `//` that is not part of a URL scheme (`https://`).
  const m = /(^|[^:])\/\/(.*)$/.exec(line);
  return m ? m[2] : '';
}

const CITE = /(?<![\w./-])((?:\.{1,2}\/)*[\w.-]+(?:\/[\w.-]+)*\.md)(#[\w-]+)?(?:\s*\(\s*"([^"]+)"\s*\))?/g;

/** Every `*.md` citation in the comments of one source text. */
export function citationsIn(file: string, text: string): Citation[] {
  const out: Citation[] = [];
  text.split('\n').forEach((line, i) => {
    const comment = commentText(line).replace(/\bhttps?:\/\/\S+/g, '');
    for (const m of comment.matchAll(CITE)) {
      if (OUTPUT_NAMES.has(m[1])) continue;
      out.push({ file, line: i + 1, target: m[1], anchor: m[2]?.slice(1), heading: m[3] });
    }
  });
  return out;
}

/** GitHub's heading anchor: lowercase, punctuation dropped (except '-' and '_'), spaces to '-'. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a markdown file's headings (outside code fences), repeated ones suffixed -1, -2. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const h = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = slug(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Why a citation is wrong, or undefined when it holds. `root` is the repository root. */
export function checkCitation(root: string, c: Citation): string | undefined {
  if (/(^|\/)design\.md$/.test(c.target) || /(^|\/)shared\//.test(c.target))
    return 'cites a document outside the repository (design.md or shared/): cite docs/ instead';
  const candidates = [join(root, c.target), join(dirname(join(root, c.file)), c.target)];
  const path = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (!path) return `${c.target} is not a file in the repository`;
  const wanted = [c.anchor, c.heading === undefined ? undefined : slug(c.heading)].filter(
    (a): a is string => a !== undefined,
  );
  if (wanted.length === 0) return undefined;
  const anchors = anchorsOf(readFileSync(path, 'utf8'));
  const missing = wanted.filter((a) => !anchors.has(a));
  return missing.length ? `${relative(root, path)} has no heading #${missing.join(', #')}` : undefined;
}

/** Source files (.ts, .mjs, .cjs) under the given folders, paths relative to `root`. */
export function sourceFiles(root: string, folders: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, name.name);
      if (name.isDirectory()) {
        if (name.name !== 'node_modules') walk(rel);
      } else if (/\.(ts|mjs|cjs)$/.test(name.name)) out.push(rel);
    }
  };
  for (const f of folders) if (existsSync(join(root, f))) walk(f);
  return out.sort();
}

/** Every bad citation in the comments of the given folders. */
export function badCitations(root: string, folders: string[]): BadCitation[] {
  return sourceFiles(root, folders).flatMap((file) =>
    citationsIn(file, readFileSync(join(root, file), 'utf8')).flatMap((c) => {
      const why = checkCitation(root, c);
      return why ? [{ ...c, why }] : [];
    }),
  );
}
