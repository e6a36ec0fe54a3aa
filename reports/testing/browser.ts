/**
 * Launches Debian's Chromium through playwright-core for the report tests. Locally a missing
 * browser skips those tests (with a message); under CI (process.env.CI) it is a failure, because
 * .ci/run installs chromium and the browser checks must run there.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser tests cannot run here, or null when they can. Throws in CI instead of skipping. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} not found: report browser tests skipped (install Debian's chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`${why}; in CI these tests must run.`);
  console.warn(why);
  return why;
}

/**
 * A fresh profile per launch (playwright passes it as --user-data-dir), so no state leaks between
 * runs. Close the returned context to stop the browser.
 */
export async function launch(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'db-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
}

/**
 * Records the page's console errors and warnings and its uncaught errors into `problems`, so a test
 * can assert the report ran clean (every browser test's last check).
 */
export function watchPage(page: Page, problems: string[]): Page {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}
