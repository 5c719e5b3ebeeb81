/**
 * The DynamoDB adapter against the embedded store: what each port operation reads and
 * writes, with raw GetItem checks where the stored bytes are the point.
 */
import { policyFigures } from '#domain/policy.ts';
import { BORROWER_TYPES, ENTERPRISE_SIZES } from '#domain/profile.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvariantViolation, ValidationError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import { encodeCursor } from '#ledger/cursor.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { AppendConflict, MAX_PAGE_SIZE, type EodReport, type JournalEvent } from '#ledger/journal.ts';
import { EOD_SHARD_COUNT, eodShardOf, fnv1a32 } from '#ledger/schema.ts';
import { freshTable, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

let client: DynamoDBClient;
let store: DynamoLedgerStore;

beforeAll(() => {
  client = ledgerClient();
  store = ledgerStore(client);
});
afterAll(() => client.destroy());

function event(facilityId: string, seq: number, extra: Partial<JournalEvent> = {}): JournalEvent {
  return {
    facilityId,
    seq,
    type: 'Test',
    businessDate: '2026-01-05',
    recordedAt: '2026-01-05T02:00:00.000Z',
    actor: 'test',
    data: { seq },
    postings: [
      { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: 100 * seq },
      { account: 'BORROWER_SETTLEMENT', side: 'CR', amountFen: 100 * seq },
    ],
    state: { seq },
    ...extra,
  };
}

async function rawItem(tableName: string, pk: string, sk: string) {
  const out = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }));
  return out.Item;
}

describe('append and load', () => {
  it('returns null for a facility without events', async () => {
    expect(await store.loadLatest(uniqueId('F'))).toBeNull();
  });

  it('loads the latest event, with every field as appended', async () => {
    const id = uniqueId('F');
    const first = event(id, 1, { borrowerId: 'B-1', eodShard: eodShardOf(id) });
    const second = event(id, 2, { requestId: 'key-2', requestHash: 'h2', response: { status: 201, body: { id: 'D1', amount: '10.00' } } });
    await store.append(first);
    await store.append(second);
    expect(await store.loadLatest(id)).toEqual(second);
    expect(await store.loadEvent(id, 1)).toEqual(first);
    expect(await store.loadEvent(id, 3)).toBeNull();
  });

  it('stores state, data, postings and response as JSON strings and the GSI keys on the first event only', async () => {
    const id = uniqueId('F');
    await store.append(event(id, 1, { borrowerId: 'B-7', eodShard: eodShardOf(id) }));
    await store.append(event(id, 2, { requestId: 'k', requestHash: 'h', response: { status: 200, body: { b: 1, a: 2 } } }));
    const tableName = inject('ledgerTableName');
    const firstItem = await rawItem(tableName, `FAC#${id}`, 'EV#0000000001');
    expect(firstItem).toMatchObject({
      state: { S: '{"seq":1}' },
      gsi1pk: { S: 'BOR#B-7' },
      gsi1sk: { S: `FAC#${id}` },
      gsi2pk: { S: `SHARD#${Math.floor(eodShardOf(id) / 64)}` },
      gsi2sk: { S: `${String(eodShardOf(id)).padStart(4, '0')}#FAC#${id}` },
    });
    expect(firstItem!['requestId']).toBeUndefined();
    const secondItem = await rawItem(tableName, `FAC#${id}`, 'EV#0000000002');
    expect(secondItem!['gsi1pk']).toBeUndefined();
    expect(secondItem!['response']).toEqual({ S: '{"status":200,"body":{"b":1,"a":2}}' });
    expect(secondItem!['requestId']).toEqual({ S: 'k' });
  });

  it('refuses a second event at the same seq with AppendConflict and keeps the first', async () => {
    const id = uniqueId('F');
    await store.append(event(id, 1, { data: 'winner' }));
    const loser = store.append(event(id, 1, { data: 'loser' }));
    await expect(loser).rejects.toBeInstanceOf(AppendConflict);
    await expect(loser).rejects.toMatchObject({ facilityId: id, seq: 1 });
    expect((await store.loadLatest(id))?.data).toBe('winner');
  });

  it('refuses events that break ledger invariants before writing anything', async () => {
    const id = uniqueId('F');
    const unbalanced = event(id, 1, { postings: [{ account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: 1 }] });
    await expect(store.append(unbalanced)).rejects.toThrow(InvariantViolation);
    await expect(store.append(event(id, 2, { borrowerId: 'B', eodShard: eodShardOf(id) }))).rejects.toThrow(/first event/);
    await expect(store.append(event(id, 1, { requestId: 'k' }))).rejects.toThrow(/requestHash/);
    await expect(store.append(event(id, 1, { businessDate: '2026-02-30' }))).rejects.toThrow(InvariantViolation);
    expect(await store.loadLatest(id)).toBeNull();
  });
});

describe('findByRequestId', () => {
  it('finds the one event recorded under a key, only on its own facility', async () => {
    const id = uniqueId('F');
    await store.append(event(id, 1));
    await store.append(event(id, 2, { requestId: 'same-key', requestHash: 'h' }));
    await store.append(event(id, 3, { requestId: 'other-key', requestHash: 'h3' }));
    expect((await store.findByRequestId(id, 'same-key'))?.seq).toBe(2);
    expect(await store.findByRequestId(id, 'unknown-key')).toBeNull();
    expect(await store.findByRequestId(uniqueId('F'), 'same-key')).toBeNull();
  });
});

describe('listEvents', () => {
  const total = 45;
  let id: string;
  beforeAll(async () => {
    id = uniqueId('F');
    for (let seq = 1; seq <= total; seq++) await store.append(event(id, seq));
  });

  it('pages in ascending seq order with the default page size of 20 and no cursor after the last page', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listEvents(id, cursor === undefined ? {} : { cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(sizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('gives no cursor when a page ends exactly at the last event', async () => {
    const page = await store.listEvents(id, { limit: total });
    expect(page.items).toHaveLength(total);
    expect(page.nextCursor).toBeNull();
    expect((await store.listEvents(id, { limit: MAX_PAGE_SIZE })).items).toHaveLength(total);
  });

  it.each([0, MAX_PAGE_SIZE + 1, 2.5])('refuses page size %s with a ValidationError', async (limit) => {
    await expect(store.listEvents(id, { limit })).rejects.toBeInstanceOf(ValidationError);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['a cursor of another listing', encodeCursor('shard', 'x')],
    ['a non-numeric position', encodeCursor('ev', '1e3')],
    ['an empty string', ''],
  ])('refuses %s as cursor with a ValidationError', async (_label, cursor) => {
    const listing = store.listEvents(id, { cursor });
    await expect(listing).rejects.toBeInstanceOf(ValidationError);
    await expect(listing).rejects.toMatchObject({ code: 'validation-failed', issues: [{ path: 'cursor' }] });
  });
});

describe('facility directory', () => {
  let tableName: string;
  let isolated: DynamoLedgerStore;
  beforeAll(async () => {
    tableName = await freshTable(client, 'directory');
    isolated = ledgerStore(client, { tableName });
  });

  it('lists a borrower’s facilities from the first events', async () => {
    const ids = ['F-b', 'F-a', 'F-c'];
    for (const id of ids) {
      await isolated.append(event(id, 1, { borrowerId: 'B-42', eodShard: eodShardOf(id) }));
      await isolated.append(event(id, 2));
    }
    await isolated.append(event('F-other', 1, { borrowerId: 'B-43', eodShard: eodShardOf('F-other') }));
    const page = await isolated.listFacilitiesByBorrower('B-42');
    expect(page).toEqual({ items: ['F-a', 'F-b', 'F-c'], nextCursor: null });
  });

  it('pages through a range of shards and finds every facility of those shards exactly once', async () => {
    // Shards [3, 5) of partition 0, and the whole of partition 1 ([64, 128)).
    const inRange: string[] = [];
    const inPartition1: string[] = [];
    for (let i = 0; inRange.length < 10 || inPartition1.length < 3; i++) {
      const id = `CN-${String(i).padStart(6, '0')}`;
      const shard = eodShardOf(id);
      if (shard >= 3 && shard < 5) {
        if (inRange.length === 10) continue;
        inRange.push(id);
      } else if (shard >= 64 && shard < 128) {
        if (inPartition1.length === 3) continue;
        inPartition1.push(id);
      } else if (i % 50 !== 0) continue; // and a few elsewhere, which no range here may list
      await isolated.append(event(id, 1, { borrowerId: 'B-shard', eodShard: shard }));
    }
    // A facility opened before fine-grained shards: SHARD#<fnv mod 16>, sort key FAC#<id>.
    const legacy = 'CN-legacy-1';
    const legacyPartition = fnv1a32(legacy) % 16;
    await isolated.append(event(legacy, 1, { borrowerId: 'B-shard', eodShard: eodShardOf(legacy) }));
    await client.send(new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: `FAC#${legacy}` }, sk: { S: 'EV#0000000001' } }, UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk', ExpressionAttributeValues: { ':pk': { S: `SHARD#${legacyPartition}` }, ':sk': { S: `FAC#${legacy}` } } }));
    // Read back, it names the shard its id derives (in the partition it sits in).
    expect((await isolated.loadEvent(legacy, 1))!.eodShard).toBe(eodShardOf(legacy));

    const all = async (from: number, to: number, limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await isolated.listFacilitiesByShards({ from, to }, { limit, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined);
      return { seen, pages };
    };
    const ranged = await all(3, 5, 4);
    expect(ranged.pages).toBe(3);
    expect(ranged.seen.sort()).toEqual([...inRange].sort());
    // The range that ends a partition also pages that partition's legacy entries, last.
    const whole = await all(legacyPartition * 64, legacyPartition * 64 + 64, 100);
    expect(whole.seen.at(-1)).toBe(legacy);
    expect(whole.seen.filter((id) => id === legacy)).toHaveLength(1);
    if (legacyPartition !== 1) expect((await all(64, 128, 2)).seen.sort()).toEqual([...inPartition1].sort());

    await expect(isolated.listFacilitiesByShards({ from: 60, to: 70 })).rejects.toThrow(InvariantViolation);
    await expect(isolated.listFacilitiesByShards({ from: EOD_SHARD_COUNT, to: EOD_SHARD_COUNT + 1 })).rejects.toThrow(InvariantViolation);
    await expect(isolated.listFacilitiesByShards({ from: 3, to: 5 }, { cursor: encodeCursor('bor', 'x') })).rejects.toBeInstanceOf(ValidationError);
    // A cursor of another range cannot reach past this one.
    await expect(isolated.listFacilitiesByShards({ from: 3, to: 5 }, { cursor: encodeCursor('shard', '0009#FAC#x') })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('borrower profiles', () => {
  it('creates with version 1 and updates only from the version read', async () => {
    const borrowerId = uniqueId('B');
    expect(await store.getBorrower(borrowerId)).toBeNull();
    expect(await store.putBorrowerProfile(borrowerId, { size: 'MICRO' }, 0)).toBe(1);
    expect(await store.putBorrowerProfile(borrowerId, { size: 'SMALL' }, 1)).toBe(2);

    const stale = store.putBorrowerProfile(borrowerId, { size: 'MEDIUM' }, 1);
    await expect(stale).rejects.toBeInstanceOf(LedgerError);
    await expect(stale).rejects.toMatchObject({ code: 'concurrent-modification' });
    await expect(store.putBorrowerProfile(borrowerId, { size: 'MEDIUM' }, 0)).rejects.toMatchObject({ code: 'concurrent-modification' });

    expect(await store.getBorrower(borrowerId)).toEqual({ borrowerId, profile: { size: 'SMALL' }, version: 2, firstLoan: null });
  });

  it('reads many borrowers at once: past one BatchGetItem call (100 keys), duplicates once, missing ones absent', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => uniqueId(`BB${i}`));
    const withProfile = ids.filter((_, i) => i % 3 !== 0);
    await Promise.all(withProfile.map((id, i) => store.putBorrowerProfile(id, { size: i % 2 === 0 ? 'MICRO' : 'SMALL', n: i }, 0)));
    const records = await store.getBorrowers([...ids, ids[1]!, ids[2]!]);
    expect([...records.keys()].sort()).toEqual([...withProfile].sort());
    for (const id of withProfile) expect(records.get(id)).toEqual(await store.getBorrower(id));
    expect(await store.getBorrowers([])).toEqual(new Map());
  });

  it('lets exactly one of two racing creators win', async () => {
    const borrowerId = uniqueId('B');
    const results = await Promise.allSettled([
      store.putBorrowerProfile(borrowerId, { by: 'one' }, 0),
      store.putBorrowerProfile(borrowerId, { by: 'two' }, 0),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('markFirstLoan', () => {
  const loan = (drawdownId: string) => ({ facilityId: 'F-1', drawdownId, date: '2026-01-05' });

  it('creates the borrower item with only firstLoan, and a later profile put keeps it', async () => {
    const borrowerId = uniqueId('B');
    expect(await store.markFirstLoan(borrowerId, loan('D-1'))).toBe(true);
    expect(await store.getBorrower(borrowerId)).toEqual({ borrowerId, profile: null, version: 0, firstLoan: loan('D-1') });
    expect(await store.putBorrowerProfile(borrowerId, { size: 'MICRO' }, 0)).toBe(1);
    expect((await store.getBorrower(borrowerId))?.firstLoan).toEqual(loan('D-1'));
  });

  it('says true only for the first loan, also when the call for it is repeated', async () => {
    const borrowerId = uniqueId('B');
    await store.putBorrowerProfile(borrowerId, { size: 'SMALL' }, 0);
    expect(await store.markFirstLoan(borrowerId, loan('D-1'))).toBe(true);
    expect(await store.markFirstLoan(borrowerId, loan('D-2'))).toBe(false);
    expect(await store.markFirstLoan(borrowerId, loan('D-1'))).toBe(true);
    expect(await store.getBorrower(borrowerId)).toMatchObject({ profile: { size: 'SMALL' }, version: 1, firstLoan: loan('D-1') });
  });

  it('under 24 concurrent first drawdowns, exactly one caller sees true and its loan is recorded', async () => {
    const borrowerId = uniqueId('B');
    const drawdowns = Array.from({ length: 24 }, (_, i) => `D-${i}`);
    const results = await Promise.all(drawdowns.map((d) => store.markFirstLoan(borrowerId, loan(d))));
    const winners = drawdowns.filter((_, i) => results[i]);
    expect(winners).toHaveLength(1);
    expect((await store.getBorrower(borrowerId))?.firstLoan).toEqual(loan(winners[0]!));
  });
});

describe('LPR fixings', () => {
  let lpr: DynamoLedgerStore;
  beforeAll(async () => {
    lpr = ledgerStore(client, { tableName: await freshTable(client, 'lpr') });
    await lpr.putLprFixing({ date: '2025-11-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
    await lpr.putLprFixing({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
    await lpr.putLprFixing({ date: '2026-01-20', oneYearPpm: 29_000, fiveYearPpm: 34_000 });
  });

  it('is empty before the first fixing', async () => {
    expect(await lpr.getLprOnOrBefore('2025-11-19')).toBeNull();
  });

  it.each([
    ['2025-11-20', '2025-11-20'],
    ['2025-12-21', '2025-11-20'],
    ['2025-12-22', '2025-12-22'],
    ['2026-01-19', '2025-12-22'],
    ['2026-01-20', '2026-01-20'],
    ['2027-06-01', '2026-01-20'],
  ])('on %s the fixing in force is the one of %s', async (date, fixingDate) => {
    expect((await lpr.getLprOnOrBefore(date))?.date).toBe(fixingDate);
  });

  it('lets a correction overwrite a fixing and lists the most recent first', async () => {
    await lpr.putLprFixing({ date: '2025-12-22', oneYearPpm: 30_500, fiveYearPpm: 35_000 });
    expect(await lpr.getLprOnOrBefore('2025-12-31')).toEqual({ date: '2025-12-22', oneYearPpm: 30_500, fiveYearPpm: 35_000 });
    expect((await lpr.listRecentLpr(2)).map((f) => f.date)).toEqual(['2026-01-20', '2025-12-22']);
    expect(await lpr.listRecentLpr()).toHaveLength(3);
  });

  it('refuses malformed dates and rates', async () => {
    await expect(lpr.getLprOnOrBefore('2026-1-5')).rejects.toThrow(InvariantViolation);
    await expect(lpr.putLprFixing({ date: '2026-02-20', oneYearPpm: 3.45, fiveYearPpm: 35_000 })).rejects.toThrow(InvariantViolation);
  });
});

describe('renewal review queue', () => {
  let queue: DynamoLedgerStore;
  beforeAll(async () => {
    queue = ledgerStore(client, { tableName: await freshTable(client, 'review') });
  });

  const referral = (facilityId: string, applicationId: string) => ({ facilityId, applicationId, borrowerId: 'B-1', appliedOn: '2026-01-05', status: 'REFERRED' as const, summary: { oldMaturityDate: '2026-02-01' } });

  it('holds each referral once, lists it in key order, and forgets it when decided', async () => {
    await queue.putRenewalEntry(referral('F-2', 'F-2-A7'));
    await queue.putRenewalEntry(referral('F-1', 'F-1-A3'));
    await queue.putRenewalEntry(referral('F-1', 'F-1-A3'));
    // '#' in ids cannot make two referrals collide.
    await queue.putRenewalEntry(referral('F#1', 'x'));
    await queue.putRenewalEntry(referral('F', '1#x'));
    const all = await queue.listRenewalEntries('REFERRED');
    expect(all.items.map((r) => [r.facilityId, r.applicationId])).toEqual([
      ['F', '1#x'],
      ['F#1', 'x'],
      ['F-1', 'F-1-A3'],
      ['F-2', 'F-2-A7'],
    ]);
    expect(all.items[2]).toEqual(referral('F-1', 'F-1-A3'));

    await queue.removeReferral('F-1', 'F-1-A3');
    await queue.removeReferral('F-1', 'F-1-A3');
    expect((await queue.listRenewalEntries('REFERRED')).items).toHaveLength(3);
  });

  it('keeps each status in a partition of its own', async () => {
    const approved = { ...referral('F-9', 'F-9-A2'), status: 'APPROVED' as const, summary: { decidedOn: '2026-01-20' } };
    await queue.putRenewalEntry(approved);
    expect((await queue.listRenewalEntries('APPROVED')).items).toEqual([approved]);
    expect((await queue.listRenewalEntries('REFERRED')).items.map((r) => r.applicationId)).not.toContain('F-9-A2');
    expect((await queue.listRenewalEntries('EXPIRED')).items).toEqual([]);
    await expect(queue.putRenewalEntry({ ...approved, status: 'PENDING' as 'APPROVED' })).rejects.toThrow(InvariantViolation);
  });

  it('pages with a cursor and refuses a cursor from another listing', async () => {
    const first = await queue.listRenewalEntries('REFERRED', { limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await queue.listRenewalEntries('REFERRED', { limit: 2, cursor: first.nextCursor! });
    expect(rest).toMatchObject({ items: [{ facilityId: 'F-2' }], nextCursor: null });
    await expect(queue.listRenewalEntries('REFERRED', { cursor: encodeCursor('ref', 'LPR') })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('end-of-day reports', () => {
  const report = (date: string, extra: Partial<EodReport> = {}): EodReport => ({
    date,
    shards: EOD_SHARD_COUNT,
    processed: 3,
    changed: 1,
    failures: 1,
    failed: [{ facilityId: 'F-9', code: 'internal-error' }],
    eventsByType: { InterestSettled: 1 },
    totals: {
      facilities: 3,
      principalOutstandingFen: 300_000_00,
      accruedInterestFen: 4_599,
      interestDueFen: 0,
      overdueInterestFen: 0,
      overduePrincipalFen: 0,
      penaltyInterestFen: 0,
      byClassification: { NORMAL: 3 },
    },
    overdueRatioPpm: 0,
    policy: policyFigures(date, [], { borrowerTypes: BORROWER_TYPES, enterpriseSizes: ENTERPRISE_SIZES }),
    trialBalance: { LOAN_PRINCIPAL: 300_000_00, BORROWER_SETTLEMENT: -300_000_00 },
    ...extra,
  });

  it('is null for a date no end of day ran for', async () => {
    expect(await store.getEodReport('1999-12-31')).toBeNull();
  });

  it('keeps one report per date under EOD#<date> / REPORT, and a re-run overwrites it', async () => {
    const date = '2031-01-20';
    await store.putEodReport(report(date));
    expect(await store.getEodReport(date)).toEqual(report(date));
    const item = await rawItem(inject('ledgerTableName'), `EOD#${date}`, 'REPORT');
    expect(Object.keys(item!).sort()).toEqual(['pk', 'report', 'sk']);
    expect(JSON.parse(item!['report']!.S!)).toEqual(report(date));

    const rerun = report(date, { changed: 0, failures: 0, failed: [], eventsByType: {} });
    await store.putEodReport(rerun);
    expect(await store.getEodReport(date)).toEqual(rerun);
    expect(await store.getEodReport('2031-01-21')).toBeNull();
  });

  it('refuses a report that breaks its invariants before writing anything', async () => {
    const date = '2031-02-20';
    await expect(store.putEodReport(report('2031-2-20'))).rejects.toThrow(InvariantViolation);
    await expect(store.putEodReport(report(date, { processed: -1 }))).rejects.toThrow(InvariantViolation);
    await expect(store.putEodReport(report(date, { changed: 4 }))).rejects.toThrow(InvariantViolation);
    await expect(store.putEodReport(report(date, { failures: 0 }))).rejects.toThrow(/lists 1 failures of 0/);
    await expect(store.putEodReport(report(date, { overdueRatioPpm: 0.5 }))).rejects.toThrow(InvariantViolation);
    await expect(store.putEodReport({ ...report(date), totals: { ...report(date).totals, accruedInterestFen: 1.5 } })).rejects.toThrow(/accruedInterestFen/);
    await expect(store.getEodReport('20310220')).rejects.toThrow(InvariantViolation);
    expect(await store.getEodReport(date)).toBeNull();
  });
});
