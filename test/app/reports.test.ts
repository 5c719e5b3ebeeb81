/**
 * The policy figures, month and year reports and the general-ledger extract over a generated book
 * (docs/reporting.md), on the embedded store, every figure worked out by hand below.
 *
 * The book: one LPR fixing, 1Y 3.00%, so a facility's rate is 3.00% + its spread. Interest is paid
 * with principal (利随本清, settlement cycle WITH_PRINCIPAL), so a line that is not overdue owes no
 * interest before its drawdown matures and stays NORMAL; the overdue ones fall overdue at maturity.
 *
 *   borrower                          facility  limit            drawn (rate)                           class
 *   B01 ENTERPRISE MICRO, NONE, no prior loan   F01  1 000 000.00     400 000.00 on 01-05 (3.50%), 100 000.00 on 02-02
 *   B02 ENTERPRISE SMALL, GUARANTEE, prior      F02  2 000 000.00   1 000 000.00 on 01-05, 500 000.00 on 01-20 (3.40%); 300 000.00 repaid 01-25
 *   B03 ENTERPRISE MEDIUM, PROPERTY, prior      F03  5 000 000.00   3 000 000.00 on 01-12 (3.30%)
 *                                               F03B 1 000 000.00   opened 01-02, closed 01-03 (not credit any more)
 *   B04 INDIVIDUAL_BUSINESS, NONE, unknown      F04    300 000.00     100 000.00 on 01-20 (3.80%)
 *   B05 OWNER, GUARANTEE, no prior loan         F05    800 000.00     300 000.00 on 2025-11-03, 200 000.00 on 01-20 (3.70%)
 *   B06 FARMER, NONE, no prior loan             F06    200 000.00      50 000.00 on 01-05 (3.90%)
 *   B07 ENTERPRISE SMALL, PROPERTY, prior       F07A 6 000 000.00   2 000 000.00 on 01-05 (3.20%)
 *                                               F07B 4 000 000.01   1 000 000.00 on 01-31 (3.20%)   total credit 10 000 000.01: over the line
 *   B08 ENTERPRISE MICRO, GUARANTEE, prior      F08 10 000 000.00   1 000 000.00 on 01-20 (3.35%)   exactly on the line: 普惠小微
 *   B09 (no profile)                            F09    100 000.00      80 000.00 on 01-05 (3.60%)
 *   B10 ENTERPRISE SMALL, GUARANTEE, prior      F10    500 000.00     200 000.00 on 2025-03-03, matured 2025-07-01   SUBSTANDARD (DPD 183 on 12-31;
 *                                                                     DOUBTFUL only past DPD 270, the product's thresholds)
 *   B11 OWNER, NONE, prior                      F11    300 000.00     100 000.00 on 2025-08-01, matured 2025-09-29   SUBSTANDARD (DPD 93 on 12-31)
 *   B12 INDIVIDUAL_BUSINESS, GUARANTEE, no prior F12   200 000.00     150 000.00 on 2025-12-01, matured 2025-12-30   SPECIAL_MENTION (DPD 1 on 12-31)
 *   B13 ENTERPRISE SMALL, GUARANTEE, prior      F13    600 000.00     400 000.00 on 2025-12-01 (3.50%), line maturing 2026-01-25: renewed
 *                                                                     (applied 01-10); on 01-25 a new drawdown carries the 400 000.00 (无还本续贷)
 *
 * End of day runs on 2025-12-31 (the year's start), every day of January 2026, and 2026-02-01/02.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DYNAMODB_ENDPOINT_ENV, IAM_PRINCIPALS_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { recordEodReport, runEod } from '#app/eod.ts';
import { closeFacility, drawdown, getFacility, openFacility, repay } from '#app/facilities.ts';
import { applyForRenewal } from '#app/renewals.ts';
import { putProfile } from '#app/borrowers.ts';
import { figureRows, loadPortfolio, policyPeriodReport, postingsOn, trialBalance } from '#app/reports.ts';

import { addDays } from '#domain/calendar.ts';
import { ValidationError } from '#domain/errors.ts';
import { formatYuan } from '#domain/money.ts';
import { ACCOUNTS, balances, stateBalances } from '#domain/postings.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import type { FacilityState, Posting } from '#domain/state.ts';
import { applyCommand } from '#domain/facility.ts';
import type { EodReport, JournalEvent } from '#ledger/journal.ts';
import { apiEvent, callers, IAM_PRINCIPALS_JSON } from '../http/support.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore } from '../setup/ledger.ts';
import { lambdaContext } from '../../local/event.ts';

const CHANNEL = 'channel:test';
const PRODUCT = { ...DEFAULT_PRODUCT, terms: { ...DEFAULT_PRODUCT.terms, settlementCycle: 'WITH_PRINCIPAL' as const } };
const yuan = (text: string) => Math.round(Number(text.replaceAll(' ', '')) * 100);

type Profile = Pick<BorrowerProfile, 'borrowerType' | 'enterpriseSize' | 'collateral' | 'priorBankLoan'>;
const PROFILES: Record<string, Profile> = {
  B01: { borrowerType: 'ENTERPRISE', enterpriseSize: 'MICRO', collateral: 'NONE', priorBankLoan: false },
  B02: { borrowerType: 'ENTERPRISE', enterpriseSize: 'SMALL', collateral: 'GUARANTEE', priorBankLoan: true },
  B03: { borrowerType: 'ENTERPRISE', enterpriseSize: 'MEDIUM', collateral: 'PROPERTY', priorBankLoan: true },
  B04: { borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: 'MICRO', collateral: 'NONE', priorBankLoan: 'unknown' },
  B05: { borrowerType: 'OWNER', enterpriseSize: 'MICRO', collateral: 'GUARANTEE', priorBankLoan: false },
  B06: { borrowerType: 'FARMER', enterpriseSize: 'MICRO', collateral: 'NONE', priorBankLoan: false },
  B07: { borrowerType: 'ENTERPRISE', enterpriseSize: 'SMALL', collateral: 'PROPERTY', priorBankLoan: true },
  B08: { borrowerType: 'ENTERPRISE', enterpriseSize: 'MICRO', collateral: 'GUARANTEE', priorBankLoan: true },
  B10: { borrowerType: 'ENTERPRISE', enterpriseSize: 'SMALL', collateral: 'GUARANTEE', priorBankLoan: true },
  B11: { borrowerType: 'OWNER', enterpriseSize: 'MICRO', collateral: 'NONE', priorBankLoan: true },
  B12: { borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: 'MICRO', collateral: 'GUARANTEE', priorBankLoan: false },
  B13: { borrowerType: 'ENTERPRISE', enterpriseSize: 'SMALL', collateral: 'GUARANTEE', priorBankLoan: true },
};

/** [facility, borrower, opened, limit, spread bp]; every line matures 2026-12-31 but F13 (2026-01-25, renewed). */
const FACILITIES: [string, string, string, string, number][] = [
  ['F13', 'B13', '2025-02-01', '600000.00', 50],
  ['F10', 'B10', '2025-03-01', '500000.00', 50],
  ['F11', 'B11', '2025-08-01', '300000.00', 50],
  ['F05', 'B05', '2025-11-01', '800000.00', 70],
  ['F12', 'B12', '2025-12-01', '200000.00', 50],
  ['F01', 'B01', '2026-01-02', '1000000.00', 50],
  ['F02', 'B02', '2026-01-02', '2000000.00', 40],
  ['F03', 'B03', '2026-01-02', '5000000.00', 30],
  ['F03B', 'B03', '2026-01-02', '1000000.00', 30],
  ['F04', 'B04', '2026-01-02', '300000.00', 80],
  ['F06', 'B06', '2026-01-02', '200000.00', 90],
  ['F07A', 'B07', '2026-01-02', '6000000.00', 20],
  ['F07B', 'B07', '2026-01-02', '4000000.01', 20],
  ['F08', 'B08', '2026-01-02', '10000000.00', 35],
  ['F09', 'B09', '2026-01-02', '100000.00', 60],
];

/** Commands by date: drawdowns [facility, amount, term days], repayments and closes. */
const DRAWDOWNS: [string, string, string, number][] = [
  ['2025-03-03', 'F10', '200000.00', 120], // matures 2025-07-01: overdue from 07-02
  ['2025-08-01', 'F11', '100000.00', 59], // matures 2025-09-29: overdue from 09-30
  ['2025-11-03', 'F05', '300000.00', 180],
  ['2025-12-01', 'F12', '150000.00', 29], // matures 2025-12-30: overdue from 12-31
  ['2025-12-01', 'F13', '400000.00', 55], // matures 2026-01-25 with the line: renewed then (无还本续贷)
  ['2026-01-05', 'F01', '400000.00', 180],
  ['2026-01-05', 'F02', '1000000.00', 180],
  ['2026-01-05', 'F06', '50000.00', 180],
  ['2026-01-05', 'F07A', '2000000.00', 180],
  ['2026-01-05', 'F09', '80000.00', 180],
  ['2026-01-12', 'F03', '3000000.00', 180],
  ['2026-01-20', 'F02', '500000.00', 180],
  ['2026-01-20', 'F04', '100000.00', 180],
  ['2026-01-20', 'F05', '200000.00', 180],
  ['2026-01-20', 'F08', '1000000.00', 180],
  ['2026-01-31', 'F07B', '1000000.00', 180],
  ['2026-02-02', 'F01', '100000.00', 180],
];

let deps: AppDeps;
let tableName: string;
const reports = new Map<string, EodReport>();
const context: Context = lambdaContext({ functionName: 'reports', requestId: 'req-reports' });

async function play(): Promise<void> {
  const client = ledgerClient();
  tableName = await freshTable(client, 'reports');
  deps = createAppDeps({ store: ledgerStore(client, { tableName }), runtime: instantRuntime, product: PRODUCT });
  await deps.lpr.publish({ date: '2024-12-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
  for (const [borrowerId, p] of Object.entries(PROFILES)) {
    await putProfile(deps, {
      borrowerId,
      ...p,
      registrationStatus: 'ACTIVE',
      taxRating: 'A',
      riskGrade: 3,
      relationship: { depositBalanceFen: 0, settlementVolumeFen: 0 },
      // Renewal refers a profile older than 90 days: B13's was verified before it applied.
      profileDate: borrowerId === 'B13' ? '2025-12-20' : '2025-01-01',
      fundsUseCompliant: true,
    });
  }
  const opened = [...FACILITIES];
  const drawn = [...DRAWDOWNS];
  let key = 0;
  const ctx = (date: string) => ({ date, actor: CHANNEL, idempotencyKey: `k-${key++}` });
  const commandsOn = async (date: string) => {
    while (opened[0] !== undefined && opened[0][2] === date) {
      const [facilityId, borrowerId, , limit, spreadBp] = opened.shift()!;
      const maturityDate = facilityId === 'F13' ? '2026-01-25' : '2026-12-31';
      await openFacility(deps, { date, actor: CHANNEL }, { facilityId, borrowerId, limitFen: yuan(limit), effectiveDate: date, maturityDate, spreadBp });
    }
    while (drawn[0] !== undefined && drawn[0][0] === date) {
      const [, facilityId, amount, termDays] = drawn.shift()!;
      await drawdown(deps, facilityId, ctx(date), { amountFen: yuan(amount), termDays });
    }
    if (date === '2026-01-03') await closeFacility(deps, 'F03B', ctx(date));
    if (date === '2026-01-25') await repay(deps, 'F02', ctx(date), { amountFen: yuan('300000.00') });
    // B13 renews F13 inside the 30-day window; at the old maturity (01-25) its drawdown is carried by a new one.
    if (date === '2026-01-10') expect((await applyForRenewal(deps, 'F13', { ...ctx(date), actor: 'sme:B13' })).body.status).toBe('APPROVED');
    // The old drawdown's interest to maturity falls due normally: paid the day it is due.
    if (date === '2026-01-25') {
      const view = await getFacility(deps, 'F13', date);
      const due = yuan(view.interestDue) + yuan(view.overdueInterest);
      if (due > 0) await repay(deps, 'F13', ctx(date), { amountFen: due });
    }
  };
  for (const date of ['2025-02-01', '2025-03-01', '2025-03-03', '2025-08-01', '2025-11-01', '2025-11-03', '2025-12-01']) await commandsOn(date);
  for (let date = '2025-12-31'; date <= '2026-02-02'; date = addDays(date, 1)) {
    await commandsOn(date);
    const report = await runEod(deps, date);
    expect(report.failures, `end of day ${date}`).toBe(0);
    await recordEodReport(deps, report);
    reports.set(date, report);
  }
}

beforeAll(async () => {
  await play();
}, 120_000);

/**
 * 非应计 (表外) on `date`: F10 (DPD 91 on 2025-09-30) and F11 (DPD 91 on 2025-12-29) are past the product's
 * nonAccrualFromDpd (91), F12 (DPD ≤ 33) is not: 200 000 + 100 000 on two borrowers. The interest they keep off
 * balance sheet is the sum of what their facility views show for the date.
 */
async function nonAccrualOn(date: string) {
  let fen = 0;
  for (const id of ['F10', 'F11']) fen += yuan((await getFacility(deps, id, date)).offBalanceInterest);
  expect(fen).toBeGreaterThan(0);
  return { balance: '300000.00', borrowers: 2, offBalanceInterest: formatYuan(fen) };
}

/** The figures every report shows for the book of 2026-01-31 (month end), worked out by hand. */
const MONTH_END_POLICY = {
  // B01 … B13 each hold a balance.
  borrowersWithBalance: 13,
  // 400 000 + 1 200 000 (F02: 1 500 000 − 300 000) + 3 000 000 + 100 000 + 500 000 + 50 000 + 3 000 000 (F07A + F07B)
  // + 1 000 000 + 80 000 + 200 000 + 100 000 + 150 000 + 400 000 (F13, renewed)
  balance: '10180000.00',
  // B01 400 000 + B02 1 200 000 + B04 100 000 + B05 500 000 + B08 1 000 000 + B10 200 000 + B11 100 000 + B12 150 000
  // + B13 400 000; not B03 (MEDIUM), B06 (FARMER), B07 (10 000 000.01 of credit), B09 (no profile).
  inclusiveSme: { balance: '4050000.00', borrowers: 9 },
  farmer: { balance: '50000.00', borrowers: 1 },
  // Collateral NONE: B01 400 000 + B04 100 000 + B06 50 000 + B11 100 000 = 650 000; 650 000 / 10 180 000 = 6.38507 %.
  creditLoans: { balance: '650000.00', sharePercent: '6.3851' },
  byClass: {
    NORMAL: { balance: '9730000.00', borrowers: 10 }, // 10 180 000 − 150 000 − 100 000 − 200 000
    SPECIAL_MENTION: { balance: '150000.00', borrowers: 1 }, // F12, DPD 32 on 01-31
    SUBSTANDARD: { balance: '300000.00', borrowers: 2 }, // F11, DPD 124, and F10, DPD 214 (> 90, not yet > 270)
    DOUBTFUL: { balance: '0.00', borrowers: 0 },
    LOSS: { balance: '0.00', borrowers: 0 },
  },
  // 100 000 + 200 000 = 300 000; 300 000 / 10 180 000 = 2.94695 %.
  nonPerforming: { balance: '300000.00', ratioPercent: '2.9470' },
  overdueBalance: '450000.00', // F10 + F11 + F12
  renewedBalance: '400000.00', // F13's new drawdown
  borrowersWithoutProfile: 1, // B09
  byBorrowerType: {
    ENTERPRISE: { balance: '9200000.00', borrowers: 7 }, // B01 .4 + B02 1.2 + B03 3 + B07 3 + B08 1 + B10 .2 + B13 .4 (millions)
    INDIVIDUAL_BUSINESS: { balance: '250000.00', borrowers: 2 }, // B04 + B12
    OWNER: { balance: '600000.00', borrowers: 2 }, // B05 + B11
    FARMER: { balance: '50000.00', borrowers: 1 },
  },
  byEnterpriseSize: {
    MICRO: { balance: '1400000.00', borrowers: 2 }, // B01 + B08
    SMALL: { balance: '4800000.00', borrowers: 4 }, // B02 + B07 + B10 + B13
    MEDIUM: { balance: '3000000.00', borrowers: 1 }, // B03
    LARGE: { balance: '0.00', borrowers: 0 },
  },
};

/**
 * January's new lending: 11 drawdowns, 9 330 000.00. Σ amount × rate (yuan × ppm):
 * 400 000×35 000 + 1 000 000×34 000 + 500 000×34 000 + 3 000 000×33 000 + 100 000×38 000 + 200 000×37 000
 * + 50 000×39 000 + 2 000 000×32 000 + 1 000 000×32 000 + 1 000 000×33 500 + 80 000×36 000 = 309 530 000 000;
 * / 9 330 000 = 33 175.78 ppm → 3.3176 %. 普惠小微 of it (B01, B02 twice, B04, B05, B08): 6 drawdowns, 3 200 000.00,
 * Σ 14e9 + 34e9 + 17e9 + 3.8e9 + 7.4e9 + 33.5e9 = 109 700 000 000; / 3 200 000 = 34 281.25 → 3.4281 %.
 * 首贷户: B01 and B06 (first drawdowns 01-05, no prior loan); unknown: B04 (01-20) and B09 (no profile, 01-05).
 * 无还本续贷: F13's new drawdown of 01-25, carrying 400 000.00 — not new lending.
 */
const JANUARY_FLOWS = {
  newLending: { count: 11, amount: '9330000.00', weightedRatePercent: '3.3176' },
  inclusiveSmeNewLending: { count: 6, amount: '3200000.00', weightedRatePercent: '3.4281' },
  firstLoanBorrowers: 2,
  firstLoanUnknown: 2,
  renewals: { count: 1, principalCarried: '400000.00' },
};

describe('the day report (2026-01-20)', () => {
  it('shows every policy figure of the date, worked out by hand', async () => {
    const view = await loadPortfolio(deps, '2026-01-20');
    expect(view.policy).toEqual({
      borrowersWithBalance: 13, // F07B is not drawn yet, B07 holds F07A's
      // 400 000 + 1 500 000 + 3 000 000 + 100 000 + 500 000 + 50 000 + 2 000 000 + 1 000 000 + 80 000 + 200 000 + 100 000
      // + 150 000 + 400 000 (F13, before its renewal)
      balance: '9480000.00',
      // B01 .4 + B02 1.5 + B04 .1 + B05 .5 + B08 1 + B10 .2 + B11 .1 + B12 .15 + B13 .4 (millions)
      inclusiveSme: { balance: '4350000.00', borrowers: 9 },
      farmer: { balance: '50000.00', borrowers: 1 },
      // 650 000 / 9 480 000 = 6.85654 %
      creditLoans: { balance: '650000.00', sharePercent: '6.8565' },
      byClass: {
        NORMAL: { balance: '9030000.00', borrowers: 10 },
        SPECIAL_MENTION: { balance: '150000.00', borrowers: 1 },
        SUBSTANDARD: { balance: '300000.00', borrowers: 2 }, // F11 100 000 (DPD 113) + F10 200 000 (DPD 203)
        DOUBTFUL: { balance: '0.00', borrowers: 0 },
        LOSS: { balance: '0.00', borrowers: 0 },
      },
      // 300 000 / 9 480 000 = 3.16456 %
      nonPerforming: { balance: '300000.00', ratioPercent: '3.1646' },
      overdueBalance: '450000.00',
      renewedBalance: '0.00',
      nonAccrual: await nonAccrualOn('2026-01-20'),
      borrowersWithoutProfile: 1,
      flows: {
        // F02 500 000×34 000 + F04 100 000×38 000 + F05 200 000×37 000 + F08 1 000 000×33 500 = 61 700 000 000;
        // / 1 800 000 = 34 277.78 → 3.4278 %. All four borrowers are 普惠小微. B04 draws first, prior loan unknown.
        day: {
          newLending: { count: 4, amount: '1800000.00', weightedRatePercent: '3.4278' },
          inclusiveSmeNewLending: { count: 4, amount: '1800000.00', weightedRatePercent: '3.4278' },
          firstLoanBorrowers: 0,
          firstLoanUnknown: 1,
          renewals: { count: 0, principalCarried: '0.00' },
        },
        // January less F07B's 1 000 000×32 000: 10, 8 330 000.00, 277 530 000 000 / 8 330 000 = 33 316.93 → 3.3317 %.
        // F13's renewal is still to come (01-25).
        monthToDate: { ...JANUARY_FLOWS, newLending: { count: 10, amount: '8330000.00', weightedRatePercent: '3.3317' }, renewals: { count: 0, principalCarried: '0.00' } },
        yearToDate: { ...JANUARY_FLOWS, newLending: { count: 10, amount: '8330000.00', weightedRatePercent: '3.3317' }, renewals: { count: 0, principalCarried: '0.00' } },
      },
      sinceYearStart: {
        // 2025-12-31: F05 300 000 + F10 200 000 + F11 100 000 + F12 150 000 + F13 400 000 = 1 150 000, all 普惠小微, 5 borrowers.
        baseDate: '2025-12-31',
        inclusiveSmeBalanceGrowthPercent: '278.2609', // (4 350 000 − 1 150 000) / 1 150 000 = 2.782609
        allLoansBalanceGrowthPercent: '724.3478', // (9 480 000 − 1 150 000) / 1 150 000 = 7.243478
        inclusiveSmeBorrowersAtStart: 5,
        inclusiveSmeBorrowers: 9,
      },
      byBorrowerType: {
        ENTERPRISE: { balance: '8500000.00', borrowers: 7 }, // .4 + 1.5 + 3 + 2 + 1 + .2 + .4
        INDIVIDUAL_BUSINESS: { balance: '250000.00', borrowers: 2 },
        OWNER: { balance: '600000.00', borrowers: 2 },
        FARMER: { balance: '50000.00', borrowers: 1 },
      },
      byEnterpriseSize: {
        MICRO: { balance: '1400000.00', borrowers: 2 },
        SMALL: { balance: '4100000.00', borrowers: 4 }, // 1.5 + 2 + .2 + .4
        MEDIUM: { balance: '3000000.00', borrowers: 1 },
        LARGE: { balance: '0.00', borrowers: 0 },
      },
    });
    expect(view.portfolio.principalOutstanding).toBe('9480000.00');
  });

  it('the year-start report itself has no year before it: growth is null, not a made-up number', async () => {
    const start = await loadPortfolio(deps, '2025-12-31');
    expect(start.policy.sinceYearStart).toEqual({ baseDate: '2024-12-31', inclusiveSmeBalanceGrowthPercent: null, allLoansBalanceGrowthPercent: null, inclusiveSmeBorrowersAtStart: null, inclusiveSmeBorrowers: 5 });
    expect(start.policy).toMatchObject({ balance: '1150000.00', inclusiveSme: { balance: '1150000.00', borrowers: 5 }, overdueBalance: '450000.00' });
    // December: F12 150 000 and F13 400 000 drawn on 12-01, both at 3.50 %. B12 drew first with no prior loan: a 首贷户
    // of December and of 2025 (B13 had a prior loan), not of the day.
    expect(start.policy.flows.monthToDate).toMatchObject({ firstLoanBorrowers: 1, newLending: { count: 2, amount: '550000.00', weightedRatePercent: '3.5000' } });
    expect(start.policy.flows.day.firstLoanBorrowers).toBe(0);
  });

  it('re-running a date after later commands gives the same report', async () => {
    const again = await runEod(deps, '2026-01-20');
    const first = reports.get('2026-01-20')!;
    expect(again.changed).toBe(0);
    expect(again.policy).toEqual(first.policy);
    expect(again.totals).toEqual(first.totals);
    expect(again.trialBalance).toEqual(first.trialBalance);
  });
});

describe('the month and year reports', () => {
  it('the month report is the month end: its figures and the month’s flows', async () => {
    const month = await policyPeriodReport(deps, { month: '2026-01' }, '2026-02-03');
    expect(month).toMatchObject({ period: '2026-01', asOf: '2026-01-31', complete: true, flows: JANUARY_FLOWS });
    expect(month.policy).toEqual({
      ...MONTH_END_POLICY,
      nonAccrual: await nonAccrualOn('2026-01-31'),
      flows: {
        // F07B's 1 000 000 on 01-31 at 3.20 %; B07 is not 普惠小微.
        day: {
          newLending: { count: 1, amount: '1000000.00', weightedRatePercent: '3.2000' },
          inclusiveSmeNewLending: { count: 0, amount: '0.00', weightedRatePercent: '0.0000' },
          firstLoanBorrowers: 0,
          firstLoanUnknown: 0,
          renewals: { count: 0, principalCarried: '0.00' },
        },
        monthToDate: JANUARY_FLOWS,
        yearToDate: JANUARY_FLOWS,
      },
      sinceYearStart: {
        baseDate: '2025-12-31',
        inclusiveSmeBalanceGrowthPercent: '252.1739', // (4 050 000 − 1 150 000) / 1 150 000 = 2.521739
        allLoansBalanceGrowthPercent: '785.2174', // (10 180 000 − 1 150 000) / 1 150 000 = 7.852174
        inclusiveSmeBorrowersAtStart: 5,
        inclusiveSmeBorrowers: 9,
      },
    });
  });

  it('a month report equals the sum of its days’ flows', () => {
    const sum = { count: 0, amountFen: 0, fenPpm: 0n, first: 0, unknown: 0, sme: 0, renewals: 0, carriedFen: 0 };
    for (let date = '2026-01-01'; date <= '2026-01-31'; date = addDays(date, 1)) {
      const day = reports.get(date)!.policy.flows.day;
      sum.count += day.newLending.count;
      sum.amountFen += day.newLending.amountFen;
      sum.fenPpm += BigInt(day.newLending.amountRateFenPpm);
      sum.first += day.firstLoanBorrowers;
      sum.unknown += day.firstLoanUnknown;
      sum.sme += day.inclusiveSmeNewLending.amountFen;
      sum.renewals += day.renewals.count;
      sum.carriedFen += day.renewals.principalCarriedFen;
    }
    const month = reports.get('2026-01-31')!.policy.flows.month;
    expect(sum).toEqual({
      count: month.newLending.count,
      amountFen: month.newLending.amountFen,
      fenPpm: BigInt(month.newLending.amountRateFenPpm),
      first: month.firstLoanBorrowers,
      unknown: month.firstLoanUnknown,
      sme: month.inclusiveSmeNewLending.amountFen,
      renewals: month.renewals.count,
      carriedFen: month.renewals.principalCarriedFen,
    });
    // The renewal is a flow of the day it executed, 01-25.
    expect(reports.get('2026-01-25')!.policy.flows.day.renewals).toEqual({ count: 1, principalCarriedFen: 400_000_00 });
    // 309 530 000 000 yuan × ppm = 30 953 000 000 000 fen × ppm, exact in integers.
    expect(month.newLending.amountRateFenPpm).toBe('30953000000000');
  });

  it('the year report is the latest report of the year, its flows the year to date', async () => {
    const year = await policyPeriodReport(deps, { year: '2026' }, '2026-02-03');
    // Through 02-02: January and F01's 100 000.00 at 3.50 %: 12, 9 430 000.00,
    // (309 530 000 000 + 3 500 000 000) / 9 430 000 = 33 195.12 → 3.3195 %; 普惠小微 7, 3 300 000.00, 113 200 000 000 / 3 300 000 = 34 303.03.
    expect(year).toMatchObject({
      period: '2026',
      asOf: '2026-02-02',
      complete: false,
      flows: {
        newLending: { count: 12, amount: '9430000.00', weightedRatePercent: '3.3195' },
        inclusiveSmeNewLending: { count: 7, amount: '3300000.00', weightedRatePercent: '3.4303' },
        firstLoanBorrowers: 2,
        firstLoanUnknown: 2,
        renewals: { count: 1, principalCarried: '400000.00' },
      },
    });
    const feb = { newLending: { count: 1, amount: '100000.00', weightedRatePercent: '3.5000' }, inclusiveSmeNewLending: { count: 1, amount: '100000.00', weightedRatePercent: '3.5000' }, firstLoanBorrowers: 0, firstLoanUnknown: 0, renewals: { count: 0, principalCarried: '0.00' } };
    expect(year.policy).toEqual({
      ...MONTH_END_POLICY,
      nonAccrual: await nonAccrualOn(year.asOf),
      balance: '10280000.00', // + 100 000
      inclusiveSme: { balance: '4150000.00', borrowers: 9 },
      creditLoans: { balance: '750000.00', sharePercent: '7.2957' }, // 750 000 / 10 280 000 = 7.29572 %
      byClass: { ...MONTH_END_POLICY.byClass, NORMAL: { balance: '9830000.00', borrowers: 10 } },
      nonPerforming: { balance: '300000.00', ratioPercent: '2.9183' }, // 300 000 / 10 280 000 = 2.91829 %
      byBorrowerType: { ...MONTH_END_POLICY.byBorrowerType, ENTERPRISE: { balance: '9300000.00', borrowers: 7 } },
      byEnterpriseSize: { ...MONTH_END_POLICY.byEnterpriseSize, MICRO: { balance: '1500000.00', borrowers: 2 } },
      flows: { day: feb, monthToDate: feb, yearToDate: year.flows },
      sinceYearStart: {
        baseDate: '2025-12-31',
        inclusiveSmeBalanceGrowthPercent: '260.8696', // (4 150 000 − 1 150 000) / 1 150 000 = 2.608696
        allLoansBalanceGrowthPercent: '793.9130', // (10 280 000 − 1 150 000) / 1 150 000 = 7.939130
        inclusiveSmeBorrowersAtStart: 5,
        inclusiveSmeBorrowers: 9,
      },
    });
  });

  it('refuses a period that is not one (400) and answers 404 for one with no report', async () => {
    await expect(policyPeriodReport(deps, {}, '2026-02-03')).rejects.toBeInstanceOf(ValidationError);
    await expect(policyPeriodReport(deps, { month: '2026-01', year: '2026' }, '2026-02-03')).rejects.toBeInstanceOf(ValidationError);
    await expect(policyPeriodReport(deps, { month: '2026-13' }, '2026-02-03')).rejects.toBeInstanceOf(ValidationError);
    await expect(policyPeriodReport(deps, { year: '1969' }, '2026-02-03')).rejects.toBeInstanceOf(ValidationError);
    await expect(policyPeriodReport(deps, { month: '2025-06' }, '2026-02-03')).rejects.toMatchObject({ code: 'not-found' });
    await expect(policyPeriodReport(deps, { month: '2026-05' }, '2026-02-03')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('the general-ledger extract', () => {
  /** Every facility's journal, read back directly (not through the report). */
  async function journal(facilityId: string): Promise<JournalEvent<FacilityState>[]> {
    return (await deps.store.listEvents(facilityId, { limit: 100 })).items as JournalEvent<FacilityState>[];
  }

  it('the trial balance of a date equals the sum of that date’s facility states, and of their postings', async () => {
    for (const date of ['2025-12-31', '2026-01-05', '2026-01-25', '2026-01-31']) {
      const fromStates = Object.fromEntries(ACCOUNTS.map((a) => [a, 0])) as Record<string, number>;
      const fromPostings: Posting[] = [];
      for (const [facilityId] of FACILITIES) {
        const events = (await journal(facilityId)).filter((e) => e.businessDate <= date);
        if (events.length === 0) continue;
        fromPostings.push(...events.flatMap((e) => e.postings));
        // The state after the end of the date: the last event's, rolled through the end of the date.
        const last = events[events.length - 1]!.state;
        const end = applyCommand(last, { type: 'EndOfDay', date }).state;
        for (const [account, fen] of Object.entries(end.ledger)) fromStates[account] = (fromStates[account] ?? 0) + fen;
        const assets = stateBalances(end);
        for (const account of Object.keys(assets) as (keyof typeof assets)[]) expect(end.ledger[account], `${facilityId} ${account} ${date}`).toBe(assets[account]);
      }
      const report = reports.get(date)!;
      expect(report.trialBalance, date).toEqual(fromStates);
      expect(report.trialBalance, date).toEqual(balances(fromPostings));
    }
    // Principal on the books at the month end is the balance the policy figures show.
    const tb = await trialBalance(deps, '2026-01-31');
    expect(tb.accounts.find((a) => a.account === 'LOAN_PRINCIPAL')).toEqual({ account: 'LOAN_PRINCIPAL', offBalanceSheet: false, side: 'DR', balance: '10180000.00' });
    expect(tb.totals.debit).toBe(tb.totals.credit);
    expect(tb.accounts.map((a) => a.account)).toEqual(expect.arrayContaining([...ACCOUNTS]));
  });

  it('the postings of a date, page by page over the whole book', async () => {
    const rows = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await postingsOn(deps, '2026-01-20', { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      rows.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 200);
    expect(cursor).toBeUndefined();
    // The four drawdowns of 01-20: DR LOAN_PRINCIPAL / CR BORROWER_SETTLEMENT each.
    const principal = rows.filter((r) => r.account === 'LOAN_PRINCIPAL' && r.side === 'DR');
    expect(principal.map((r) => [r.facilityId, r.amount]).sort()).toEqual([['F02', '500000.00'], ['F04', '100000.00'], ['F05', '200000.00'], ['F08', '1000000.00']]);
    expect(rows.filter((r) => r.side === 'CR' && r.account === 'BORROWER_SETTLEMENT')).toHaveLength(4);
    expect(rows.every((r) => r.businessDate === '2026-01-20')).toBe(true);
    expect(rows).toHaveLength(8);
    await expect(postingsOn(deps, '2026-01-20', { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('through the routes', () => {
  type Route = (event: ReturnType<typeof apiEvent>, context: Context) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body: string }>;
  let policyRoute: Route;
  let trialRoute: Route;
  let postingsRoute: Route;
  beforeAll(async () => {
    vi.stubEnv(TABLE_NAME_ENV, tableName);
    vi.stubEnv(DYNAMODB_ENDPOINT_ENV, inject('ledgerEndpoint'));
    vi.stubEnv(IAM_PRINCIPALS_ENV, IAM_PRINCIPALS_JSON);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    policyRoute = (await import('../../functions/ops-policy-report/handler.ts')).handler as Route;
    trialRoute = (await import('../../functions/ops-trial-balance/handler.ts')).handler as Route;
    postingsRoute = (await import('../../functions/ops-postings/handler.ts')).handler as Route;
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  const get = (route: Route, path: string, query: Record<string, string>, headers: Record<string, string> = {}) =>
    route(apiEvent({ path, resource: path, query, headers: { 'x-dev-business-date': '2026-02-03', ...headers }, userArn: callers.ops.userArn }), context);

  it('GET /v1/ops/reports/policy?month= answers JSON, or CSV with one row per figure in Chinese and English', async () => {
    const json = await get(policyRoute, '/v1/ops/reports/policy', { month: '2026-01' });
    expect(json.statusCode, json.body).toBe(200);
    const body = JSON.parse(json.body) as { policy: unknown };
    const csv = await get(policyRoute, '/v1/ops/reports/policy', { month: '2026-01' }, { accept: 'text/csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trimEnd().split('\n');
    expect(lines[0]).toBe('figure,指标,label,value');
    expect(lines).toHaveLength(1 + figureRows(body).length);
    expect(lines).toContain('policy.inclusiveSme.balance,期末 · 普惠小微贷款 · 贷款余额,At the end · Inclusive SME loans · Balance,4050000.00');
    expect(lines).toContain('flows.newLending.weightedRatePercent,发生额 · 新发放贷款 · 加权平均利率(%),Flows · New lending · Weighted average rate (%),3.3176');
    expect(lines).toContain('policy.nonPerforming.ratioPercent,期末 · 不良贷款 · 不良率(%),At the end · Non-performing loans · Ratio (%),2.9470');
    expect(lines).toContain('flows.renewals.principalCarried,发生额 · 无还本续贷 · 续贷本金,Flows · Renewals without repaying principal · Principal carried,400000.00');
  });

  it('every bad query parameter is a 400 problem document', async () => {
    for (const query of [{}, { month: '2026-1' }, { year: '26' }, { month: '2026-01', year: '2026' }, { month: '2026-01', other: 'x' }] as Record<string, string>[]) {
      const response = await get(policyRoute, '/v1/ops/reports/policy', query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
    }
    for (const query of [{}, { date: '2026-02-30' }, { date: '20260120' }] as Record<string, string>[]) {
      expect((await get(trialRoute, '/v1/ops/ledger/trial-balance', query)).statusCode).toBe(400);
      expect((await get(postingsRoute, '/v1/ops/ledger/postings', query)).statusCode).toBe(400);
    }
    expect((await get(postingsRoute, '/v1/ops/ledger/postings', { date: '2026-01-20', limit: '0' })).statusCode).toBe(400);
    expect((await get(postingsRoute, '/v1/ops/ledger/postings', { date: '2026-01-20', cursor: '!!' })).statusCode).toBe(400);
    expect((await get(trialRoute, '/v1/ops/ledger/trial-balance', { date: '2026-03-01' })).statusCode).toBe(404);
  });

  it('the trial balance and the postings also as CSV, the next page in the Link header', async () => {
    const tb = await get(trialRoute, '/v1/ops/ledger/trial-balance', { date: '2026-01-31' }, { accept: 'text/csv' });
    expect(tb.statusCode).toBe(200);
    expect(tb.body.split('\n')).toContain('2026-01-31,LOAN_PRINCIPAL,false,DR,10180000.00');
    const page = await get(postingsRoute, '/v1/ops/ledger/postings', { date: '2026-01-20', limit: '100' }, { accept: 'text/csv' });
    expect(page.statusCode).toBe(200);
    expect(page.body.split('\n')[0]).toBe('facilityId,seq,eventType,businessDate,recordedAt,account,side,amount');
    expect(String(page.headers?.['link'])).toMatch(/^<\/v1\/ops\/ledger\/postings\?date=2026-01-20&cursor=[A-Za-z0-9_-]+&limit=100>; rel="next"$/);
  });
});
