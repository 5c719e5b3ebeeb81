import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { DomainError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import type { FacilityState } from '#domain/state.ts';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { changeLimit, closeFacility, drawdown, freezeFacility, getFacility, openFacility, repay } from '#app/facilities.ts';
import { statement, listEvents } from '#app/history.ts';
import { applyCommand, type Command } from '#domain/facility.ts';
import { contendedRuntime, freshTable, instantRuntime, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

let app: AppDeps;
let contended: AppDeps;

beforeAll(async () => {
  const client = ledgerClient();
  const tableName = await freshTable(client, 'app');
  const store = ledgerStore(client, { tableName });
  app = createAppDeps({ store, runtime: instantRuntime, product: DEFAULT_PRODUCT });
  contended = createAppDeps({ store: ledgerStore(client, { tableName, runtime: contendedRuntime(7) }), runtime: contendedRuntime(7), product: DEFAULT_PRODUCT });
  await app.lpr.publish({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
});

const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: 'channel:test' });

async function openF(limitFen = 2_000_000_00) {
  const facilityId = uniqueId('F');
  const borrowerId = uniqueId('B');
  await openFacility(app, { date: '2026-01-01', actor: 'channel:test' }, { facilityId, borrowerId, limitFen, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
  return { facilityId, borrowerId };
}

describe('facility use-cases on the embedded store', () => {
  it('opens idempotently by id: same body → 200 replay, other body → facility-exists', async () => {
    const input = { facilityId: uniqueId('F'), borrowerId: 'B1', limitFen: 100_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 };
    const first = await openFacility(app, { date: '2026-01-01', actor: 'channel:a' }, input);
    expect(first.status).toBe(201);
    const again = await openFacility(app, { date: '2026-01-02', actor: 'channel:a' }, input);
    expect(again).toMatchObject({ status: 200, replayed: true, body: first.body });
    await expect(openFacility(app, { date: '2026-01-02', actor: 'channel:a' }, { ...input, limitFen: 1 })).rejects.toMatchObject({ code: 'facility-exists' });
  });

  it('runs the worked example: 1 000 000.00 drawn on 2026-01-05, 400 000.00 repaid on 2026-01-12 → 1 188.33 by the 20th', async () => {
    const { facilityId } = await openF();
    const d = await drawdown(app, facilityId, ctx('2026-01-05', 'd1'), { amountFen: 1_000_000_00 });
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({ amount: '1000000.00', ratePercent: '3.4500', drawnDate: '2026-01-05', firstLoan: true });
    expect((await getFacility(app, facilityId, '2026-01-20')).accruedInterest).toBe('1533.33');
    const r = await repay(app, facilityId, ctx('2026-01-12', 'r1'), { amountFen: 400_000_00 });
    expect(r.body.allocation.principal).toBe('400000.00');
    expect(r.body.facility.available).toBe('1400000.00');
    expect((await getFacility(app, facilityId, '2026-01-20')).accruedInterest).toBe('1188.33');
  });

  it('replays a command with the same key byte for byte, and refuses the key with another body', async () => {
    const { facilityId } = await openF();
    const first = await drawdown(app, facilityId, ctx('2026-01-05', 'same'), { amountFen: 10_000_00 });
    const bodies = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const again = await drawdown(app, facilityId, ctx('2026-01-06', 'same'), { amountFen: 10_000_00 });
      expect(again.replayed).toBe(true);
      bodies.add(JSON.stringify(again.body));
    }
    expect([...bodies]).toEqual([JSON.stringify(first.body)]);
    await expect(drawdown(app, facilityId, ctx('2026-01-06', 'same'), { amountFen: 20_000_00 })).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    const events = await listEvents(app, facilityId, { limit: 100 });
    expect(events.items.map((e) => e.type)).toEqual(['FacilityOpened', 'DrawdownMade']);
  });

  it('32 concurrent drawdowns over the limit: accepted ones fit the limit, all are journaled once, replay reproduces the state', async () => {
    const { facilityId } = await openF(1_000_000_00);
    const amounts = Array.from({ length: 32 }, (_, i) => 50_000_00 + i * 1_000_00);
    const results = await Promise.allSettled(amounts.map((amountFen, i) => drawdown(contended, facilityId, ctx('2026-01-05', `c${i}`), { amountFen })));
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    for (const reason of refused) {
      // The limit is the domain's refusal; losing every append race is the store's.
      if ((reason as DomainError).code === 'insufficient-available-limit') expect(reason).toBeInstanceOf(DomainError);
      else expect(reason).toBeInstanceOf(LedgerError);
      expect(['insufficient-available-limit', 'concurrent-modification']).toContain((reason as DomainError | LedgerError).code);
    }
    const total = accepted.reduce((sum, r) => sum + Number(r.body.amount.replace('.', '')), 0);
    expect(total).toBeLessThanOrEqual(1_000_000_00);
    expect(accepted.length).toBeGreaterThan(0);

    const events = (await app.store.listEvents(facilityId, { limit: 100 })).items;
    const drawn = events.filter((e) => e.type === 'DrawdownMade');
    expect(drawn).toHaveLength(accepted.length);
    expect(new Set(drawn.map((e) => e.requestId)).size).toBe(drawn.length);
    let state: FacilityState | null = null;
    for (const e of events) {
      const data = e.data as { command: Command };
      state = applyCommand(state, data.command).state;
      expect(state).toEqual(e.state);
    }
    expect(state!.drawdowns.reduce((s, d) => s + d.principalFen, 0)).toBe(total);
  });

  it('20 concurrent requests with one key make one event and give every caller the same body', async () => {
    const { facilityId } = await openF();
    const results = await Promise.all(Array.from({ length: 20 }, () => drawdown(contended, facilityId, ctx('2026-01-05', 'one-key'), { amountFen: 10_000_00 })));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const events = (await app.store.listEvents(facilityId, { limit: 100 })).items;
    expect(events.filter((e) => e.type === 'DrawdownMade')).toHaveLength(1);
  });

  it('marks the first loan of a borrower once, even when two facilities draw at the same time', async () => {
    const borrowerId = uniqueId('B');
    const ids = [uniqueId('F'), uniqueId('F')];
    for (const facilityId of ids) {
      await openFacility(app, { date: '2026-01-01', actor: 'channel:test' }, { facilityId, borrowerId, limitFen: 100_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
    }
    const results = await Promise.all(ids.map((id, i) => drawdown(contended, id, ctx('2026-01-05', `fl${i}`), { amountFen: 10_000_00 })));
    expect(results.filter((r) => r.body.firstLoan)).toHaveLength(1);
    const second = await drawdown(app, ids[0]!, ctx('2026-01-06', 'fl-later'), { amountFen: 10_000_00 });
    expect(second.body.firstLoan).toBe(false);
    const record = await app.store.getBorrower(borrowerId);
    expect(record?.firstLoan).not.toBeNull();
  });

  it('freezes, refuses drawdowns while frozen, and lowers the limit no lower than the outstanding', async () => {
    const { facilityId } = await openF();
    await drawdown(app, facilityId, ctx('2026-01-05', 'x1'), { amountFen: 500_000_00 });
    await freezeFacility(app, facilityId, ctx('2026-01-06', 'fz'), { type: 'Freeze', reason: 'court order' });
    await expect(drawdown(app, facilityId, ctx('2026-01-06', 'x2'), { amountFen: 10_000_00 })).rejects.toMatchObject({ code: 'facility-frozen' });
    await freezeFacility(app, facilityId, ctx('2026-01-07', 'uf'), { type: 'Unfreeze' });
    await expect(changeLimit(app, facilityId, ctx('2026-01-07', 'lim'), 400_000_00)).rejects.toMatchObject({ code: 'limit-below-outstanding' });
    const view = (await changeLimit(app, facilityId, ctx('2026-01-07', 'lim2'), 600_000_00)).body;
    expect(view).toMatchObject({ limit: '600000.00', available: '100000.00', status: 'ACTIVE' });
  });

  it('builds a daily statement whose days add up to the settled interest', async () => {
    const { facilityId } = await openF();
    await drawdown(app, facilityId, ctx('2026-01-05', 's1'), { amountFen: 1_000_000_00 });
    await repay(app, facilityId, ctx('2026-01-12', 's2'), { amountFen: 400_000_00 });
    const s = await statement(app, facilityId, '2026-01-04', '2026-01-21');
    expect(s.rows[0]).toMatchObject({ date: '2026-01-04', principal: '0.00', interestForDay: '0.0000' });
    expect(s.rows[1]).toMatchObject({ date: '2026-01-05', principal: '1000000.00', ratePercent: '3.4500', interestForDay: '95.8333', accruedInterest: '95.83' });
    expect(s.rows.find((r) => r.date === '2026-01-12')).toMatchObject({ principal: '600000.00', interestForDay: '57.5000' });
    expect(s.rows.find((r) => r.date === '2026-01-20')).toMatchObject({ accruedInterest: '1188.33', interestDue: '0.00' });
    expect(s.rows.find((r) => r.date === '2026-01-21')).toMatchObject({ accruedInterest: '57.50', interestDue: '1188.33' });
  });
});

describe('end of day', () => {
  it('settles on the 20th once, values the portfolio as of the date, and a second run changes nothing', async () => {
    const { runEod } = await import('#app/eod.ts');
    const client = ledgerClient();
    const tableName = await freshTable(client, 'eod');
    const own = createAppDeps({ store: ledgerStore(client, { tableName }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
    await own.lpr.publish({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
    const ids = Array.from({ length: 5 }, (_, i) => `EOD-${i}`);
    for (const facilityId of ids) {
      await openFacility(own, { date: '2026-01-01', actor: 'channel:test' }, { facilityId, borrowerId: 'B-EOD', limitFen: 2_000_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
      await drawdown(own, facilityId, ctx('2026-01-05', 'd'), { amountFen: 1_000_000_00 });
    }
    const ordinary = await runEod(own, '2026-01-19');
    expect(ordinary).toMatchObject({ processed: 5, changed: 0, failed: [] });
    expect(ordinary.totals.accruedInterestFen).toBe(5 * 143_750); // 15 days × 1 000 000.00 × 3.45% / 360 = 1 437.50
    const settlement = await runEod(own, '2026-01-20');
    expect(settlement).toMatchObject({ processed: 5, changed: 5, eventsByType: { InterestSettled: 5 } });
    expect(settlement.totals.accruedInterestFen).toBe(5 * 153_333);
    const again = await runEod(own, '2026-01-20');
    expect(again.changed).toBe(0);
    const events = (await own.store.listEvents('EOD-0', { limit: 100 })).items;
    expect(events.map((e) => e.type)).toEqual(['FacilityOpened', 'DrawdownMade', 'EndOfDay']);
    expect((await getFacility(own, 'EOD-0', '2026-01-21')).interestDue).toBe('1533.33');
  });
});

describe('closing and floating-rate lines', () => {
  it('closes a line only once nothing is payable', async () => {
    const { facilityId } = await openF();
    await drawdown(app, facilityId, ctx('2026-01-05', 'c-d'), { amountFen: 100_000_00 });
    await expect(closeFacility(app, facilityId, ctx('2026-01-06', 'c-x'))).rejects.toMatchObject({ code: 'outstanding-balance' });
    // 1 day of 100 000.00 at 3.45% / 360 = 9.583… → 9.58 accrued; payoff = 100 009.58
    await repay(app, facilityId, ctx('2026-01-06', 'c-r'), { amountFen: 100_009_58 });
    const closed = await closeFacility(app, facilityId, ctx('2026-01-06', 'c-y'));
    expect(closed.body).toMatchObject({ status: 'CLOSED', payoffAmount: '0.00' });
    await expect(drawdown(app, facilityId, ctx('2026-01-07', 'c-z'), { amountFen: 100_00 })).rejects.toMatchObject({ code: 'facility-not-active' });
  });

  it('reprices a floating line on 1 January with the fixing in force, and the journal replays it', async () => {
    const facilityId = uniqueId('FL');
    await openFacility(app, { date: '2026-12-01', actor: 'channel:test' }, {
      facilityId, borrowerId: 'B-FL', limitFen: 1_000_000_00, effectiveDate: '2026-12-01', maturityDate: '2027-11-30', spreadBp: 45,
      rate: { rateType: 'FLOATING' },
    });
    await drawdown(app, facilityId, ctx('2026-12-01', 'fl-d'), { amountFen: 1_000_000_00 });
    await app.lpr.publish({ date: '2026-12-21', oneYearPpm: 29_000, fiveYearPpm: 34_500 });
    const view = await getFacility(app, facilityId, '2027-01-02');
    expect(view.drawdowns[0]!.ratePercent).toBe('3.3500');
    const r = await repay(app, facilityId, ctx('2027-01-02', 'fl-r'), { amountFen: 100_00 });
    expect(r.body.facility.drawdowns[0]!.ratePercent).toBe('3.3500');
    const events = (await app.store.listEvents(facilityId, { limit: 100 })).items;
    let state: FacilityState | null = null;
    for (const e of events) state = applyCommand(state, (e.data as { command: Command }).command).state;
    expect(state).toEqual(events[events.length - 1]!.state);
    expect((events[events.length - 1]!.data as { command: { lpr?: unknown } }).command.lpr).toEqual([{ date: '2026-12-21', oneYearPpm: 29_000 }]);
  });
});

describe('valuing as of a past date', () => {
  it('values yesterday from the event before end of day, and refuses dates before the facility existed', async () => {
    const { facilityId } = await openF();
    await drawdown(app, facilityId, ctx('2026-01-05', 'p-d'), { amountFen: 1_000_000_00 });
    await repay(app, facilityId, ctx('2026-01-21', 'p-r'), { amountFen: 100_00 });
    // The state now opens on 2026-01-21 with January's interest settled; as of the 20th it was still accrued.
    const asOf20 = await getFacility(app, facilityId, '2026-01-20');
    expect(asOf20).toMatchObject({ accruedInterest: '1533.33', interestDue: '0.00', principalOutstanding: '1000000.00' });
    await expect(getFacility(app, facilityId, '2025-12-31')).rejects.toMatchObject({ code: 'date-before-last-event' });
  });
});
