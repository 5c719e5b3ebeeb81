/**
 * Test support for the domain specifications: a standard facility, a command runner that keeps
 * every event, and small probes. Nothing here computes an expected amount: expectations are
 * hand-computed next to each assertion in the specs.
 */
import { expect } from 'vitest';
import { applyCommand, type Command, type OpenFacilityCommand } from '#domain/facility.ts';
import { DomainError } from '#domain/errors.ts';
import { balances } from '#domain/postings.ts';
import { payableOn as domainPayableOn, payoffOf, sumAmounts, type CategoryAmounts } from '#domain/valuation.ts';
import type { LprSchedule } from '#domain/repricing.ts';
import type { DomainEvent, FacilityState } from '#domain/state.ts';
import type { ProductTerms } from '#domain/terms.ts';
import type { BorrowerProfile } from '#domain/profile.ts';

/** 1 000 000.00 yuan. */
export const MILLION_YUAN = 1_000_000_00;

/**
 * The standard line: 2 000 000.00 yuan, 2026-01-01 → 2026-12-31, LPR + 45 bp. With the 1-year LPR
 * at 3.00% (LPR_3_00) its rate is 3.45% = 34 500 ppm and the penalty rate 34 500 × 1.5 = 51 750 ppm.
 */
export function openCommand(overrides: Partial<OpenFacilityCommand> = {}, terms?: Partial<ProductTerms>): OpenFacilityCommand {
  return {
    type: 'OpenFacility',
    date: '2026-01-01',
    facilityId: 'F1',
    borrowerId: 'B1',
    limitFen: 2_000_000_00,
    effectiveDate: '2026-01-01',
    maturityDate: '2026-12-31',
    pricing: { spreadBp: 45, floorPpm: 0 },
    ...(terms === undefined ? {} : { terms }),
    ...overrides,
  };
}

export const LPR_3_00 = 30_000;

export interface Run {
  state: FacilityState;
  events: DomainEvent[];
  results: unknown[];
}

/** Applies the commands in order, from no facility; keeps every event (catch-up events included). */
export function run(commands: readonly Command[], start: Run | null = null): Run {
  let state: FacilityState | null = start?.state ?? null;
  const events: DomainEvent[] = [...(start?.events ?? [])];
  const results: unknown[] = [...(start?.results ?? [])];
  for (const command of commands) {
    const t = applyCommand(state, command);
    state = t.state;
    events.push(...t.events);
    results.push(t.result);
  }
  return { state: state!, events, results };
}

export function draw(date: string, amountFen: number, extra: { termDays?: number; lprPpm?: number } = {}): Command {
  return { type: 'Drawdown', date, amountFen, lprPpm: extra.lprPpm ?? LPR_3_00, ...(extra.termDays === undefined ? {} : { termDays: extra.termDays }) };
}

export function repayCmd(date: string, amountFen: number): Command {
  return { type: 'Repayment', date, amountFen };
}

export function eod(date: string): Command {
  return { type: 'EndOfDay', date };
}

/** What a payment during `date` meets (interest through date − 1), by category. */
export function payableOn(state: FacilityState, date: string, lpr?: LprSchedule): CategoryAmounts {
  return sumAmounts(domainPayableOn(state, date, lpr));
}

export function payoffOn(state: FacilityState, date: string, lpr?: LprSchedule): number {
  return payoffOf(payableOn(state, date, lpr));
}

/** Runs `fn`, expects a DomainError with `code`, and returns it for further checks. */
export function expectDomainError(fn: () => unknown, code: string): DomainError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a DomainError ${code}`).toBeInstanceOf(DomainError);
  expect((caught as DomainError).code).toBe(code);
  return caught as DomainError;
}

/** Balances of the receivable accounts from every posting of every event. */
export function ledgerReceivables(events: readonly DomainEvent[]) {
  const b = balances(events.flatMap((e) => e.postings));
  return { LOAN_PRINCIPAL: b.LOAN_PRINCIPAL, INTEREST_RECEIVABLE: b.INTEREST_RECEIVABLE, PENALTY_RECEIVABLE: b.PENALTY_RECEIVABLE };
}

export function eventsOfType(events: readonly DomainEvent[], type: string): DomainEvent[] {
  return events.filter((e) => e.type === type);
}

/** The reference renewal borrower of B1: a small enterprise in good standing, profile verified 2026-11-01. */
export function smallEnterpriseProfile(overrides: Partial<BorrowerProfile> = {}): BorrowerProfile {
  return {
    borrowerId: 'B1',
    borrowerType: 'ENTERPRISE',
    enterpriseSize: 'SMALL',
    registrationStatus: 'ACTIVE',
    taxRating: 'B',
    riskGrade: 4,
    collateral: 'GUARANTEE',
    relationship: { depositBalanceFen: 0, settlementVolumeFen: 0 },
    profileDate: '2026-11-01',
    fundsUseCompliant: true,
    ...overrides,
  };
}
