/**
 * The five-tier classification by days past due, and the DPD history the renewal rule reads
 * (docs/lending-rules.md, §8). Standard line and rate as in support.ts.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { DPD_THRESHOLDS, classify, maxDpdWithin, reportedClassification, worseClassification } from '#domain/classification.ts';
import { MILLION_YUAN, draw, openCommand, payoffOn, repayCmd, run } from './support.ts';

describe('classify: DPD 0 NORMAL, 1–90 SPECIAL_MENTION, 91–180 SUBSTANDARD, 181–360 DOUBTFUL, ≥ 361 LOSS', () => {
  it.each([
    [0, 'NORMAL'],
    [1, 'SPECIAL_MENTION'],
    [90, 'SPECIAL_MENTION'],
    [91, 'SUBSTANDARD'],
    [180, 'SUBSTANDARD'],
    [181, 'DOUBTFUL'],
    [360, 'DOUBTFUL'],
    [361, 'LOSS'],
    [5_000, 'LOSS'],
  ])('DPD %i → %s', (dpd, expected) => {
    expect(classify(dpd)).toBe(expected);
  });

  it('the thresholds are the first DPD of each tier', () => {
    expect(DPD_THRESHOLDS).toEqual({ SPECIAL_MENTION: 1, SUBSTANDARD: 91, DOUBTFUL: 181, LOSS: 361 });
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
