/**
 * report.html: one self-contained page (inline CSS, JS and SVG; no network) rendered with
 * handlebars from the ReportModel, the example data and the manifest. Deterministic: the same run
 * dir gives the same bytes (no clock, no randomness, every list sorted upstream).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { RunDir } from '../harness/runner/run-dir.ts';
import { chartSections } from './charts/index.ts';
import { charAlignedTasks, DEFAULT_CAP_PER_JOB_SPLIT, embedJson, exampleData } from './examples.ts';
import { headerView } from './html-view.ts';
import type { ReportModel } from './model.ts';

const TEMPLATES = join(import.meta.dirname, 'templates');
const PARTIALS = ['header', 'leaderboard', 'charts', 'examples', 'manifest'];

export interface HtmlOptions {
  /** Example rows embedded per job × split; the page says when rows were cut. */
  capPerJobSplit?: number;
  pageSize?: number;
}

let compiled: HandlebarsTemplateDelegate | undefined;

function template(): HandlebarsTemplateDelegate {
  if (compiled) return compiled;
  // A private instance: partials registered here cannot clash with other handlebars users.
  const hb = Handlebars.create();
  for (const p of PARTIALS) hb.registerPartial(p, readFileSync(join(TEMPLATES, `report-${p}.hbs`), 'utf8'));
  compiled = hb.compile(readFileSync(join(TEMPLATES, 'report.hbs'), 'utf8'));
  return compiled;
}

/** CSP source for our one inline script: injected scripts and on*= handlers would not match it. */
export function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
}

export function renderHtml(model: ReportModel, run: RunDir, opts: HtmlOptions = {}): string {
  const cap = opts.capPerJobSplit ?? DEFAULT_CAP_PER_JOB_SPLIT;
  // CER tasks get a character alignment (the primary metric, else cer without wer in the rows).
  const primary = (task: string) => model.tables.find((t) => t.task === task && t.primary)?.primary ?? null;
  const ex = exampleData(run.examples, cap, charAlignedTasks(run.results, primary));
  const script = readFileSync(join(TEMPLATES, 'report-client.js'), 'utf8');
  const shownText =
    ex.total === 0
      ? 'This run recorded no examples.'
      : ex.cap === null
        ? `All ${ex.total} example responses of the run, grouped by prompt.`
        : `Showing the first ${ex.cap} examples of each job and split (${ex.shown} of ${ex.total} responses) to keep this page small; examples.csv has all of them.`;
  return template()({
    ...headerView(model),
    css: readFileSync(join(TEMPLATES, 'report.css'), 'utf8'),
    script,
    chartSections: chartSections(model),
    examples: {
      labels: ex.labels,
      pageSize: opts.pageSize ?? 20,
      shownText,
      json: embedJson({ labels: ex.labels, groups: ex.groups, charTasks: ex.charTasks }),
    },
    manifestJson: JSON.stringify(run.manifest, null, 2),
    manifestJobs: run.manifest.jobs.length,
    scriptHash: scriptHash(script),
  });
}
