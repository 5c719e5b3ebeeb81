/**
 * The short form of `npm run hot-facility` (docs/reliability.md): 64 writers at once on one
 * facility of the real local server. Appends to a facility are serialised by its seq, so most
 * writers lose races; the executor reloads and retries a bounded number of times, then answers
 * 409. Nothing may answer 5xx or go unanswered, and the journal must hold every accepted
 * command exactly once.
 */
import { describe, expect, it } from 'vitest';
import { everyRequestAccountedFor, runHotFacility } from '../../reliability/hot-facility.ts';

describe('64 concurrent writers on one facility', () => {
  it('answers every request as accepted, refused or 409, and the journal agrees', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const { audit } = await runHotFacility({ writers: 64, rounds: 1, log: (line) => lines.push(line) });
    expect(audit.findings, lines.join('\n')).toEqual([]);
    expect(audit.sent).toBe(64);
    expect(everyRequestAccountedFor(audit)).toBe(true);
    expect(audit).toMatchObject({ serverErrors: 0, unanswered: 0, lost: 0, duplicated: 0, wrongReplay: 0, unbalanced: 0 });
    expect(audit.accepted).toBeGreaterThan(0);
  });
});
