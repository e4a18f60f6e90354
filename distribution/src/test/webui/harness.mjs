// What both browser scripts share: Chromium started as the issue prescribes, and the run of the
// named checks that prints one line per check, a screenshot of each failure, and the tally.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const ISSUE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Debian's headless Chromium with the prescribed switches and any extra ones; exit code 3 when it cannot start. */
export async function launch(extraArgs = []) {
  try {
    return await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: [...ISSUE_ARGS, ...extraArgs],
    });
  } catch (e) {
    console.error('BROWSER DID NOT START: ' + e.message);
    process.exit(3);
  }
}

/**
 * Runs each check; a check fails too when the page threw meanwhile (`pageErrors()` lists it,
 * `clearErrors()` forgets it). Prints "N of N LABEL passed" and exits 0 only when all passed.
 */
export async function runChecks({ checks, browser, page, pageErrors, clearErrors, shots, label, shotPrefix }) {
  let passed = 0;
  for (const [index, { name, run }] of checks.entries()) {
    try {
      await run();
      if (pageErrors().length !== 0) throw new Error('the page threw: ' + pageErrors());
      passed++;
      console.log('ok   ' + name);
    } catch (e) {
      clearErrors();
      console.log('FAIL ' + name + ': ' + (e.stack || e));
      const current = page();
      if (current) await current.screenshot({ path: join(shots, shotPrefix + index + '.png') }).catch(() => {});
    }
  }
  await browser.close();
  console.log(`${passed} of ${checks.length} ${label} passed`);
  process.exit(passed === checks.length ? 0 : 1);
}
