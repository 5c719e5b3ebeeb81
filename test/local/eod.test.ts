/**
 * `npm run eod`: the local runner refuses a date after the business date before it opens the
 * store (so it needs none here), and says how to stand in for today.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '#ledger/embedded-store.ts';

const runner = fileURLToPath(new URL('../../local/eod.ts', import.meta.url));

function runEod(...args: string[]) {
  return spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, DATA_DIR: '/nonexistent/never-opened' } });
}

describe('npm run eod', () => {
  it('prints its usage for --help (exit 0), and for a missing or bad --date (exit 2), never a stack trace', () => {
    const help = runEod('--help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run eod -- --date YYYY-MM-DD/);
    for (const args of [[], ['--date', '2026-02-30'], ['--dat', '2026-01-20']]) {
      const run = runEod(...args);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain('usage: npm run eod -- --date YYYY-MM-DD');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('beside a running npm start (the store is held by another process) says what to do instead', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'credit-eod-busy-'));
    const held = await startEmbeddedStore({ path: dataDir });
    try {
      const run = spawnSync(process.execPath, [runner, '--date', '2026-01-20', '--business-date', '2026-01-20'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, DATA_DIR: dataDir } });
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('in use by a running `npm start`');
      expect(run.stderr).toContain('POST localhost:3000/v1/ops/eod/2026-01-20');
      expect(run.stderr).not.toContain('Database is closed');
    } finally {
      await held.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

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
