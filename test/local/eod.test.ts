/**
 * `npm run eod`: the local runner refuses a date after the business date before it opens the
 * store (so it needs none here), and says how to stand in for today.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../../local/eod.ts', import.meta.url));

function runEod(...args: string[]) {
  return spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, DATA_DIR: '/nonexistent/never-opened' } });
}

describe('npm run eod', () => {
  it('refuses a date after the business date with eod-date-in-future and exit code 2', () => {
    const run = runEod('--date', '2026-01-21', '--business-date', '2026-01-20');
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('eod-date-in-future');
    expect(run.stderr).toContain('after the current business date 2026-01-20');
  });

  it('takes today from the clock when no --business-date is given', () => {
    const run = runEod('--date', '2199-12-31');
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('eod-date-in-future');
  });
});
