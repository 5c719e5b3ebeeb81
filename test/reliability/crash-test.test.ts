/**
 * The short form of `npm run crash-test` (docs/reliability.md): the real local server as a
 * child process, `kill -9` mid-load, restarted on the same data, every unanswered request sent
 * again with its key and body, and everything audited against the journal.
 */
import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../../reliability/crash-test.ts';

describe('kill -9 of the local server mid-load, then a restart on the same data', () => {
  it('loses, duplicates and misreplays nothing over two cycles', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const result = await runCrashTest({ cycles: 2, facilities: 3, lanesPerFacility: 2, commandsPerLane: 8, replayCheckEvery: 2, log: (line) => lines.push(line) });
    const { total } = result;
    expect(total.findings, lines.join('\n')).toEqual([]);
    expect(total).toMatchObject({ lost: 0, duplicated: 0, wrongReplay: 0, unanswered: 0, serverErrors: 0, unbalanced: 0 });
    // Every command was answered, either the first time or when resent after the restart.
    expect(total.acknowledged + total.retried).toBe(total.sent);
    expect(total.sent).toBeGreaterThan(0);
    expect(result.cycles).toHaveLength(2);
  });
});
