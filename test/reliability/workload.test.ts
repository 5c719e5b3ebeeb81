/**
 * The reliability audit itself (reliability/workload.ts) on hand-built records and journals:
 * it must see each kind of failure it claims to count, or the crash test could not fail.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '#ledger/journal.ts';
import { rssSlope } from '../../reliability/load.ts';
import { audit, auditPasses, CHANNEL, type Answer, type CommandRecord, type WriteCommand } from '../../reliability/workload.ts';

const F = 'FAC-A';
const drawdown = (key: string, amountFen: number): WriteCommand => ({ facilityId: F, kind: 'drawdown', key, amountFen });
const body = (key: string, amountFen: number) => ({ drawdownId: `D-${key}`, amount: (amountFen / 100).toFixed(2) });
const accepted = (key: string, amountFen: number, replayed = false): Answer => ({ status: 201, body: { ...body(key, amountFen), firstLoan: false }, replayed });

function event(seq: number, key: string, amountFen: number, outstandingFen: number): JournalEvent {
  return {
    facilityId: F,
    seq,
    type: 'DrawdownMade',
    businessDate: '2026-01-05',
    recordedAt: '2026-01-05T02:00:00.000Z',
    actor: CHANNEL,
    requestId: `key:${CHANNEL}:${key}`,
    requestHash: 'h',
    data: { command: { type: 'Drawdown', amountFen } },
    postings: [],
    state: { drawdowns: [{ principalFen: outstandingFen }] },
    response: { status: 201, body: body(key, amountFen) },
  };
}

const journal = (...events: JournalEvent[]) => ({ events: new Map([[F, events]]) });

describe('the crash-test audit', () => {
  it('passes a command answered once and journaled once, its replay included', () => {
    const records: CommandRecord[] = [{ command: drawdown('a', 500), first: accepted('a', 500), resends: [accepted('a', 500, true)] }];
    const result = audit(records, journal(event(2, 'a', 500, 500)));
    expect(result).toMatchObject({ sent: 1, acknowledged: 1, accepted: 1, lost: 0, duplicated: 0, wrongReplay: 0, unbalanced: 0 });
    expect(auditPasses(result)).toBe(true);
  });

  it('counts an acknowledged drawdown with no event as lost (and the balance off by its amount)', () => {
    const records: CommandRecord[] = [{ command: drawdown('a', 500), first: accepted('a', 500), resends: [] }];
    const result = audit(records, journal());
    expect(result).toMatchObject({ lost: 1 });
    expect(auditPasses(result)).toBe(false);
  });

  it('counts two events carrying one key as duplicated', () => {
    const records: CommandRecord[] = [{ command: drawdown('a', 500), first: accepted('a', 500), resends: [] }];
    expect(audit(records, journal(event(2, 'a', 500, 500), event(3, 'a', 500, 1_000)))).toMatchObject({ duplicated: 1 });
  });

  it('counts a retry answered with another request’s response as a wrong replay', () => {
    // The kill left key b unanswered; its retry came back with a's drawdown (the orphan index bug).
    const records: CommandRecord[] = [
      { command: drawdown('a', 500), first: accepted('a', 500), resends: [] },
      { command: drawdown('b', 500), first: null, resends: [{ ...accepted('a', 500, true) }] },
    ];
    const result = audit(records, journal(event(2, 'a', 500, 500)));
    // b: no event carries its key, so it is lost, and Σ drawdowns (1 000) ≠ outstanding (500).
    expect(result).toMatchObject({ retried: 1, lost: 1, unbalanced: 1 });
    const withOrphanEvent = audit(records, journal(event(2, 'a', 500, 500), { ...event(3, 'b', 500, 1_000), response: { status: 201, body: body('b', 500) } }));
    expect(withOrphanEvent).toMatchObject({ wrongReplay: 1, lost: 0 });
  });

  it('counts idempotency-key-reused as a wrong replay: the workload never reuses a key', () => {
    const records: CommandRecord[] = [{ command: drawdown('a', 500), first: null, resends: [{ status: 422, body: { code: 'idempotency-key-reused' }, replayed: false }] }];
    expect(audit(records, journal())).toMatchObject({ refused: 1, wrongReplay: 1 });
  });

  it('counts a refused command that nevertheless has an event', () => {
    const records: CommandRecord[] = [{ command: drawdown('a', 500), first: { status: 422, body: { code: 'x' }, replayed: false }, resends: [] }];
    expect(audit(records, journal(event(2, 'a', 500, 500)))).toMatchObject({ refused: 1, duplicated: 1 });
  });

  it('counts requests never answered and answers of 5xx', () => {
    const records: CommandRecord[] = [
      { command: drawdown('a', 500), first: null, resends: [] },
      { command: drawdown('b', 500), first: { status: 500, body: {}, replayed: false }, resends: [] },
    ];
    const result = audit(records, journal());
    expect(result).toMatchObject({ unanswered: 1, serverErrors: 1 });
    expect(auditPasses(result)).toBe(false);
  });
});

describe('RSS growth per write', () => {
  it('is the least-squares slope of RSS over writes answered', () => {
    // RSS 100 MB + 2 000 bytes per write, with ±1 000 bytes of noise that cancels out.
    const samples = [0, 1_000, 2_000, 3_000].map((writes, i) => ({ writes, rssBytes: 100 * 2 ** 20 + 2_000 * writes + (i % 2 === 0 ? 1_000 : -1_000) }));
    expect(rssSlope(samples)).toBeCloseTo(2_000 - 0.4, 1); // the alternating noise tilts the fit by 0.4 bytes per write
    expect(rssSlope(samples.slice(0, 1))).toBe(0);
  });
});
