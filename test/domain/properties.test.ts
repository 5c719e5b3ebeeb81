/**
 * Properties of the facility state machine over random command sequences (the test strategy in docs/architecture.md): random
 * products, drawdowns, repayments of random parts of the payable (and one fen too many), freezes,
 * limit changes, end-of-days, closes and jumps of days. Run counts are sized so the whole domain
 * suite stays well under a minute on two cores.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyCommand, type Command, type OpenFacilityCommand } from '#domain/facility.ts';
import { advance, advanceEveryDay } from '#domain/advance.ts';
import { accrueTo } from '#domain/drawdown-accrual.ts';
import { interestFenExact } from '#domain/accrual.ts';
import { addDays, toDay } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import { balances, isBalanced, stateBalances } from '#domain/postings.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import type { LprSchedule } from '#domain/repricing.ts';
import type { DomainEvent, FacilityState, Transition } from '#domain/state.ts';
import { ALLOCATION_CATEGORIES, type AllocationCategory } from '#domain/terms.ts';
import { payableOn, payoffOn } from './support.ts';

/** 1-year LPR fixings every command carries, so floating lines can reprice. */
const LPR: LprSchedule = [
  { date: '2025-12-22', oneYearPpm: 30_000 },
  { date: '2026-04-20', oneYearPpm: 31_000 },
  { date: '2026-09-21', oneYearPpm: 29_500 },
  { date: '2027-01-20', oneYearPpm: 28_500 },
  { date: '2027-08-20', oneYearPpm: 30_500 },
];

const product = fc.record({
  limitFen: fc.integer({ min: 1_000_00, max: 5_000_000_00 }),
  termDays: fc.integer({ min: 60, max: 500 }),
  spreadBp: fc.integer({ min: -100, max: 300 }),
  floorPpm: fc.constantFrom(0, 25_000),
  dayCount: fc.constantFrom('ACT_360' as const, 'ACT_365' as const),
  rounding: fc.constantFrom('HALF_UP' as const, 'HALF_EVEN' as const),
  settlementCycle: fc.constantFrom('MONTHLY' as const, 'QUARTERLY' as const, 'WITH_PRINCIPAL' as const),
  graceDays: fc.integer({ min: 0, max: 3 }),
  compoundInterest: fc.boolean(),
  penaltyUpliftPct: fc.integer({ min: 30, max: 50 }),
  minDrawdownFen: fc.constantFrom(1, 100_00),
  maxOpenDrawdowns: fc.integer({ min: 1, max: 4 }),
  rateType: fc.constantFrom('FIXED' as const, 'FLOATING' as const),
  repricing: fc.constantFrom('JANUARY_FIRST' as const, 'ANNIVERSARY' as const),
  // The default order half the time, otherwise any permutation (the order is configurable per product).
  allocationOrder: fc.oneof(fc.constant([...ALLOCATION_CATEGORIES]), fc.shuffledSubarray([...ALLOCATION_CATEGORIES], { minLength: 7, maxLength: 7 })),
  // The regulatory thresholds, or short ones so that sequences of a few months reach non-accrual and its cure.
  tiers: fc.constantFrom({ substandardAfterDpd: 90, doubtfulAfterDpd: 270, lossAfterDpd: 360 }, { substandardAfterDpd: 10, doubtfulAfterDpd: 40, lossAfterDpd: 80 }),
  nonAccrualFromDpd: fc.oneof(fc.constant(91), fc.integer({ min: 1, max: 60 })),
  cureMinMonths: fc.integer({ min: 0, max: 6 }),
  cureSettlementPeriods: fc.integer({ min: 0, max: 2 }),
});
type Product = typeof product extends fc.Arbitrary<infer T> ? T : never;

type Step =
  | { kind: 'jump'; days: number }
  | { kind: 'draw'; permille: number; termDays: number | null; lprPpm: number }
  | { kind: 'repay'; permille: number }
  | { kind: 'freeze' | 'unfreeze' | 'eod' | 'close' }
  | { kind: 'limit'; permille: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('jump' as const), days: fc.integer({ min: 0, max: 60 }) }), weight: 5 },
  {
    arbitrary: fc.record({
      kind: fc.constant('draw' as const),
      permille: fc.integer({ min: 1, max: 700 }),
      termDays: fc.option(fc.integer({ min: 1, max: 120 })),
      lprPpm: fc.integer({ min: 20_000, max: 40_000 }),
    }),
    weight: 4,
  },
  // 1001 ‰ means one fen more than the payable: always an overpayment.
  { arbitrary: fc.record({
      kind: fc.constant('repay' as const),
      permille: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 1000 }), weight: 6 }, { arbitrary: fc.constant(1000), weight: 2 }, { arbitrary: fc.constant(1001), weight: 1 }),
    }),
    weight: 3 },
  { arbitrary: fc.record({ kind: fc.constantFrom('freeze' as const, 'unfreeze' as const, 'close' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('eod' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('limit' as const), permille: fc.integer({ min: 1, max: 2000 }) }), weight: 1 },
);

function openFor(p: Product): OpenFacilityCommand {
  return {
    type: 'OpenFacility',
    date: '2026-01-01',
    facilityId: 'P1',
    borrowerId: 'B1',
    limitFen: p.limitFen,
    effectiveDate: '2026-01-01',
    maturityDate: addDays('2026-01-01', p.termDays),
    pricing: { spreadBp: p.spreadBp, floorPpm: p.floorPpm },
    terms: {
      dayCount: p.dayCount,
      rounding: p.rounding,
      settlementCycle: p.settlementCycle,
      graceDays: p.graceDays,
      compoundInterest: p.compoundInterest,
      penaltyUpliftPct: p.penaltyUpliftPct,
      minDrawdownFen: p.minDrawdownFen,
      maxOpenDrawdowns: p.maxOpenDrawdowns,
      maxDrawdownTermDays: 365,
      rateType: p.rateType,
      repricing: p.repricing,
      allocationOrder: p.allocationOrder,
      ...p.tiers,
      nonAccrualFromDpd: p.nonAccrualFromDpd,
      cureMinMonths: p.cureMinMonths,
      cureSettlementPeriods: p.cureSettlementPeriods,
    },
  };
}

interface Trace {
  state: FacilityState;
  events: DomainEvent[];
  accepted: Command[];
  /** Each jump: the state it started from and the date it went to. */
  jumps: { from: FacilityState; to: string }[];
}

type Check = (before: FacilityState, command: Command, outcome: Transition<unknown> | DomainError, trace: Trace) => void;

/** Turns steps into dated commands against the evolving state, applying `check` after each one. */
function play(p: Product, steps: readonly Step[], check: Check): Trace {
  const open = openFor(p);
  const first = applyCommand(null, open);
  const trace: Trace = { state: first.state, events: [...first.events], accepted: [open], jumps: [] };
  let date = open.date;
  for (const s of steps) {
    const state = trace.state;
    if (date < state.businessDate) date = state.businessDate;
    let command: Command;
    switch (s.kind) {
      case 'jump':
        trace.jumps.push({ from: state, to: addDays(date, s.days) });
        date = addDays(date, s.days);
        continue;
      case 'draw':
        command = { type: 'Drawdown', date, lpr: LPR, amountFen: Math.max(1, Math.floor((state.limitFen * s.permille) / 1000)), lprPpm: s.lprPpm, ...(s.termDays === null ? {} : { termDays: s.termDays }) };
        break;
      case 'repay': {
        const payable = payoffOn(state, date, LPR);
        const amountFen = s.permille === 1001 ? payable + 1 : Math.max(1, Math.floor((payable * s.permille) / 1000));
        command = { type: 'Repayment', date, lpr: LPR, amountFen };
        break;
      }
      case 'freeze':
        command = { type: 'Freeze', date, lpr: LPR };
        break;
      case 'unfreeze':
        command = { type: 'Unfreeze', date, lpr: LPR };
        break;
      case 'close':
        command = { type: 'Close', date, lpr: LPR };
        break;
      case 'limit':
        command = { type: 'ChangeLimit', date, lpr: LPR, limitFen: Math.max(1, Math.floor((state.limitFen * s.permille) / 1000)) };
        break;
      case 'eod':
        command = { type: 'EndOfDay', date, lpr: LPR };
        date = addDays(date, 1);
        break;
    }
    let outcome: Transition<unknown> | DomainError;
    try {
      outcome = applyCommand(state, command);
    } catch (error) {
      // Only typed domain errors may escape a command: never an invariant violation or a TypeError.
      if (!(error instanceof DomainError)) throw error;
      outcome = error;
    }
    if (!(outcome instanceof DomainError)) {
      trace.state = outcome.state;
      trace.events.push(...outcome.events);
      trace.accepted.push(command);
    }
    check(state, command, outcome, trace);
  }
  return trace;
}

const sequences = fc.tuple(product, fc.array(step, { minLength: 5, maxLength: 40 }));

/** The balances of the accounts a state implies (assets and the memo pair), from every posting so far. */
function receivables(events: readonly DomainEvent[]) {
  const b = balances(events.flatMap((e) => e.postings));
  return {
    LOAN_PRINCIPAL: b.LOAN_PRINCIPAL,
    INTEREST_RECEIVABLE: b.INTEREST_RECEIVABLE,
    PENALTY_RECEIVABLE: b.PENALTY_RECEIVABLE,
    OFF_BALANCE_INTEREST: b.OFF_BALANCE_INTEREST,
    OFF_BALANCE_INTEREST_CONTRA: b.OFF_BALANCE_INTEREST_CONTRA,
  };
}

/** How many runs reached each transition: the property must meet non-accrual and its cure, not only healthy books. */
const reached = { NonAccrualStarted: 0, NonAccrualEnded: 0, nonAccrualRepayment: 0 };

/** Accrues a copy to the opening of its business date, so a lazily accrued state compares with an eagerly accrued one. */
function accrued(state: FacilityState): FacilityState {
  const copy = structuredClone(state);
  accrueTo(copy, toDay(copy.businessDate));
  return copy;
}

describe('random command sequences keep the books and the limits', () => {
  it('0 ≤ principal ≤ limit, available + outstanding = limit, balanced postings, ledger = state, inputs untouched', () => {
    fc.assert(
      fc.property(sequences, ([p, steps]) => {
        play(p, steps, (before, command, outcome, trace) => {
          const snapshot = structuredClone(before);
          if (outcome instanceof DomainError) {
            if (command.type === 'Repayment' && before.status !== 'CLOSED' && command.amountFen > payoffOn(before, command.date, LPR)) expect(outcome.code).toBe('overpayment');
            expect(before).toEqual(snapshot);
            return;
          }
          if (command.type === 'Repayment') expect(command.amountFen).toBeLessThanOrEqual(payoffOn(before, command.date, LPR));
          const state = outcome.state;
          for (const event of outcome.events) {
            expect(isBalanced(event.postings), event.type).toBe(true);
            for (const posting of event.postings) expect(Number.isSafeInteger(posting.amountFen) && posting.amountFen > 0).toBe(true);
          }
          const books = stateBalances(state);
          for (const event of outcome.events) if (event.type === 'NonAccrualStarted' || event.type === 'NonAccrualEnded') reached[event.type] += 1;
          if (command.type === 'Repayment' && before.nonAccrualSince !== null) reached.nonAccrualRepayment += 1;
          // Non-accrual: nothing is receivable, everything booked is in the memo account, and the memo pair nets to zero.
          if (state.nonAccrualSince !== null) expect([books.INTEREST_RECEIVABLE, books.PENALTY_RECEIVABLE]).toEqual([0, 0]);
          else expect(books.OFF_BALANCE_INTEREST).toBe(0);
          expect(books.OFF_BALANCE_INTEREST + books.OFF_BALANCE_INTEREST_CONTRA).toBe(0);
          expect(books.LOAN_PRINCIPAL).toBeGreaterThanOrEqual(0);
          expect(books.LOAN_PRINCIPAL).toBeLessThanOrEqual(state.limitFen);
          expect(books.INTEREST_RECEIVABLE).toBeGreaterThanOrEqual(0);
          expect(books.PENALTY_RECEIVABLE).toBeGreaterThanOrEqual(0);
          expect(receivables(trace.events)).toEqual(books);
          const untouched = structuredClone(state);
          const v = valuationAsOf(state, state.businessDate, LPR);
          expect(state).toEqual(untouched); // valuation is a pure read
          expect(v.availableFen + v.principalOutstandingFen).toBe(v.limitFen);
          expect(v.principalOutstandingFen).toBe(books.LOAN_PRINCIPAL);
          expect(v.availableFen).toBeGreaterThanOrEqual(0);
          if (command.type === 'Repayment') {
            // The payment fills the categories greedily in the product's order…
            const allocation = (outcome.result as { allocation: Record<AllocationCategory, number> }).allocation;
            const owed = payableOn(before, command.date, LPR);
            let left = command.amountFen;
            for (const category of p.allocationOrder) {
              expect(allocation[category], category).toBe(Math.min(left, owed[category]));
              left -= allocation[category];
            }
            expect(left).toBe(0);
            // …and lowers what is payable that day by exactly its amount: crystallising accrued amounts
            // when paid creates or loses no fen; only an accrued remainder moves to interest due.
            const now = payableOn(state, command.date, LPR);
            for (const category of ['COMPOUND_INTEREST', 'PENALTY_INTEREST', 'OVERDUE_INTEREST', 'OVERDUE_PRINCIPAL', 'PRINCIPAL'] as const) {
              expect(now[category], category).toBe(owed[category] - allocation[category]);
            }
            expect(now.INTEREST_DUE + now.ACCRUED_INTEREST).toBe(owed.INTEREST_DUE + owed.ACCRUED_INTEREST - allocation.INTEREST_DUE - allocation.ACCRUED_INTEREST);
          }
        });
      }),
      { numRuns: 300 },
    );
    expect(reached.NonAccrualStarted, 'runs turning non-accrual').toBeGreaterThan(0);
    expect(reached.NonAccrualEnded, 'runs returning to accrual').toBeGreaterThan(0);
    expect(reached.nonAccrualRepayment, 'repayments while non-accrual').toBeGreaterThan(0);
  });

  it('replaying the accepted commands reproduces the same state and events (determinism)', () => {
    fc.assert(
      fc.property(sequences, ([p, steps]) => {
        const trace = play(p, steps, () => {});
        let state: FacilityState | null = null;
        const events: DomainEvent[] = [];
        for (const command of structuredClone(trace.accepted)) {
          const t = applyCommand(state, command);
          state = t.state;
          events.push(...t.events);
        }
        expect(state).toEqual(trace.state);
        expect(events).toEqual(trace.events);
      }),
      { numRuns: 150 },
    );
  });

  it('advance in one jump = advance day by day = advanceEveryDay (the every-day reference)', () => {
    fc.assert(
      fc.property(sequences, fc.integer({ min: 0, max: 400 }), ([p, steps], tail) => {
        const trace = play(p, steps, () => {});
        const cases = [...trace.jumps, { from: trace.state, to: addDays(trace.state.businessDate, tail) }];
        for (const { from, to } of cases) {
          if (to < from.businessDate) continue;
          const jump = advance(from, to, LPR);
          let walked = from;
          const walkedEvents: DomainEvent[] = [];
          for (let d = from.businessDate; d < to; ) {
            d = addDays(d, 1);
            const t = advance(walked, d, LPR);
            walked = t.state;
            walkedEvents.push(...t.events);
          }
          expect(walked).toEqual(jump.state);
          expect(walkedEvents).toEqual(jump.events);
          const every = advanceEveryDay(from, to, LPR);
          expect(every.events).toEqual(jump.events);
          // advance leaves accrual lazy (accruedUntil at the last boundary); accrued to the same day they are identical
          expect(accrued(every.state)).toEqual(accrued(jump.state));
        }
      }),
      { numRuns: 120 },
    );
    // CPU only, no timing asserted: ~5 s alone, but walking every day of 120 sequences took 32 s once while four
    // engineers' suites shared the two cores, past the 30 s default.
  }, 120_000);

  it('valuation totals equal a BigInt recomputation from the every-day reference’s buckets', () => {
    fc.assert(
      fc.property(sequences, fc.integer({ min: 0, max: 200 }), ([p, steps], ahead) => {
        const trace = play(p, steps, () => {});
        const asOf = addDays(trace.state.businessDate, ahead);
        const v = valuationAsOf(trace.state, asOf, LPR);
        const reference = advanceEveryDay(trace.state, asOf, LPR).state;
        accrueTo(reference, toDay(asOf) + 1); // day `asOf` counted
        const basis = reference.terms.dayCount === 'ACT_365' ? 365 : 360;
        const rounding = reference.terms.rounding;
        const total = { COMPOUND_INTEREST: 0n, PENALTY_INTEREST: 0n, OVERDUE_INTEREST: 0n, OVERDUE_PRINCIPAL: 0n, INTEREST_DUE: 0n, PRINCIPAL: 0n, ACCRUED_INTEREST: 0n };
        for (const d of reference.drawdowns) {
          total.COMPOUND_INTEREST += BigInt(d.compoundDueFen) + interestFenExact(d.compoundAcc, basis, rounding);
          total.PENALTY_INTEREST += BigInt(d.penaltyDueFen) + interestFenExact(d.penaltyAcc, basis, rounding);
          for (const item of d.interestItems) {
            if (item.overdueFrom <= asOf) total.OVERDUE_INTEREST += BigInt(item.amountFen);
            else total.INTEREST_DUE += BigInt(item.amountFen);
          }
          if (d.status === 'OVERDUE') total.OVERDUE_PRINCIPAL += BigInt(d.principalFen);
          else total.PRINCIPAL += BigInt(d.principalFen);
          total.ACCRUED_INTEREST += interestFenExact(d.interestAcc, basis, rounding);
        }
        const asNumbers = Object.fromEntries(Object.entries(total).map(([k, x]) => [k, Number(x)]));
        expect(v.totals).toEqual(asNumbers);
        expect(BigInt(v.payoffFen)).toBe(Object.values(total).reduce((a, b) => a + b, 0n));
      }),
      { numRuns: 200 },
    );
  });
});
