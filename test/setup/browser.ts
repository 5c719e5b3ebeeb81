/**
 * Vitest global setup for the browser tests: they need Debian's Chromium. Without it they are
 * skipped with one line saying how to install it — except under CI=true, where a missing
 * browser fails the run (CI installs it: .ci/run).
 */
import { CHROMIUM_PATH, chromiumAvailable, INSTALL_HINT } from '../web/browser.ts';

export default function setup(): void {
  if (chromiumAvailable()) return;
  if (process.env['CI'] === 'true') throw new Error(`CI=true and no Chromium at ${CHROMIUM_PATH}: the browser tests cannot run. Install it: ${INSTALL_HINT}`);
  console.log(`[browser tests] SKIPPED: no Chromium at ${CHROMIUM_PATH}. Install it to run them: ${INSTALL_HINT}`);
}
