/**
 * The five-tier classification by days past due, and the DPD history the renewal rule reads
 * (docs/lending-rules.md, §8). Standard line and rate as in support.ts.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { classify, dpdThresholds, maxDpdWithin, observationEndDay, reportedClassification, worseClassification } from '#domain/classification.ts';
import { toDay } from '#domain/calendar.ts';
import { DEFAULT_TERMS, resolveTerms } from '#domain/terms.ts';
import { MILLION_YUAN, draw, openCommand, payoffOn, repayCmd, run } from './support.ts';

describe('classify (2023 rule, default thresholds): DPD 0 NORMAL, 1–90 SPECIAL_MENTION, 91–270 SUBSTANDARD, 271–360 DOUBTFUL, ≥ 361 LOSS', () => {
  it.each([
    [0, 'NORMAL'],
    [1, 'SPECIAL_MENTION'],
    [90, 'SPECIAL_MENTION'],
    [91, 'SUBSTANDARD'],
    [180, 'SUBSTANDARD'],
    // DOUBTFUL starts after 270 days under the 2023 rule (it was 180 under the old five-tier guidance)
    [181, 'SUBSTANDARD'],
    [270, 'SUBSTANDARD'],
    [271, 'DOUBTFUL'],
    [360, 'DOUBTFUL'],
    [361, 'LOSS'],
    [5_000, 'LOSS'],
  ])('DPD %i → %s', (dpd, expected) => {
    expect(classify(dpd)).toBe(expected);
  });

  it('the thresholds are the first DPD of each tier', () => {
    expect(dpdThresholds(DEFAULT_TERMS)).toEqual({ SPECIAL_MENTION: 1, SUBSTANDARD: 91, DOUBTFUL: 271, LOSS: 361 });
  });

  it('the thresholds are the product’s: a stricter product classifies DPD 61 SUBSTANDARD', () => {
    const strict = resolveTerms({ substandardAfterDpd: 60, doubtfulAfterDpd: 180, lossAfterDpd: 360 });
    expect(classify(61, strict)).toBe('SUBSTANDARD');
    expect(classify(181, strict)).toBe('DOUBTFUL');
  });

  it('thresholds that do not rise are refused', () => {
    expect(() => resolveTerms({ substandardAfterDpd: 300, doubtfulAfterDpd: 270 })).toThrow(/must rise/);
  });
});

describe('the cure observation period: the longer of two settlement periods and six months', () => {
  it.each([
    // Monthly: 2 months < 6 months → six months, 2026-08-03 → 2027-02-03
    ['MONTHLY', '2027-02-03'],
    // Quarterly: 2 quarters = 6 months
    ['QUARTERLY', '2027-02-03'],
    // 利随本清: two of the product's longest drawdown terms, 2 × 365 days → 2028-08-02
    ['WITH_PRINCIPAL', '2028-08-02'],
  ] as const)('%s: observation from 2026-08-03 ends %s', (settlementCycle, end) => {
    expect(observationEndDay(resolveTerms({ settlementCycle }), toDay('2026-08-03'))).toBe(toDay(end));
  });

  it('three quarterly periods outlast six months', () => {
    // 3 quarters = 9 months: 2026-08-03 → 2027-05-03
    expect(observationEndDay(resolveTerms({ settlementCycle: 'QUARTERLY', cureSettlementPeriods: 3 }), toDay('2026-08-03'))).toBe(toDay('2027-05-03'));
  });
});

describe('DPD history (for the renewal rule on the last 12 months)', () => {
  // Worked example 1 unpaid: 153 333 fen settled 2026-01-20, overdue from 2026-01-22 (DPD 1).
  const unpaid = run([openCommand(), draw('2026-01-05', MILLION_YUAN)]).state;

  it('an open episode reports the DPD reached so far: 39 on 2026-03-01 (Jan 22…31 = 10, Feb = 28, Mar 1)', () => {
    const on = advance(unpaid, '2026-03-01').state;
    expect(on.dpdHistory).toEqual([{ from: '2026-01-22', to: null, maxDpd: 1 }]);
    expect(maxDpdWithin(on, '2026-03-01', 365)).toBe(39);
  });

  it('paying the arrears on 2026-02-05 closes the episode at its peak, DPD 15 (Feb 5 − Jan 22 + 1)', () => {
    const paid = run([repayCmd('2026-02-05', payoffOn(unpaid, '2026-02-05'))], { state: unpaid, events: [], results: [] }).state;
    expect(paid.classification).toBe('NORMAL');
    expect(paid.dpdHistory).toEqual([{ from: '2026-01-22', to: '2026-02-05', maxDpd: 15 }]);
    // Window [2026-12-31 − 329, 2026-12-31] = [2026-02-05, …] still touches the episode's last day
    expect(maxDpdWithin(paid, '2026-12-31', 330)).toBe(15);
    // One day shorter, [2026-02-06, …], it does not
    expect(maxDpdWithin(paid, '2026-12-31', 329)).toBe(0);
  });

  it('a partial payment that leaves arrears keeps the episode open and notes the peak', () => {
    // On Feb 5 pay 100 000 of the 153 333 overdue (compound comes first but is small):
    const partly = run([repayCmd('2026-02-05', 100_000)], { state: unpaid, events: [], results: [] }).state;
    expect(partly.dpdHistory).toEqual([{ from: '2026-01-22', to: null, maxDpd: 15 }]);
    expect(partly.classification).toBe('SPECIAL_MENTION');
  });
});

describe('the class reports and renewal use (reportedClassification)', () => {
  it('is the own class when no borrower class is recorded (a lone facility, or a non-enterprise borrower)', () => {
    expect(reportedClassification({ classification: 'SPECIAL_MENTION', borrowerClassification: null })).toBe('SPECIAL_MENTION');
  });

  it('is the borrower class when end of day recorded a worse one for the debtor', () => {
    expect(reportedClassification({ classification: 'NORMAL', borrowerClassification: 'SUBSTANDARD' })).toBe('SUBSTANDARD');
  });

  it('is the own class when it has become worse than the borrower class recorded the evening before', () => {
    expect(reportedClassification({ classification: 'DOUBTFUL', borrowerClassification: 'SUBSTANDARD' })).toBe('DOUBTFUL');
  });

  it('orders the tiers NORMAL < SPECIAL_MENTION < SUBSTANDARD < DOUBTFUL < LOSS', () => {
    expect(worseClassification('NORMAL', 'LOSS')).toBe('LOSS');
    expect(worseClassification('DOUBTFUL', 'SPECIAL_MENTION')).toBe('DOUBTFUL');
    expect(worseClassification('SUBSTANDARD', 'SUBSTANDARD')).toBe('SUBSTANDARD');
  });
});
