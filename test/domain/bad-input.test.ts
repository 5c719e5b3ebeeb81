/**
 * Bad input at every entry point of the domain core: each is refused with a typed error carrying a
 * stable code (ValidationError → 'validation-failed' for values that can never be valid; DomainError
 * codes for values wrong only in this state), and the state handed in is left exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { parseBusinessDate } from '#domain/calendar.ts';
import { DomainError, ValidationError } from '#domain/errors.ts';
import { applyCommand, changeLimit, close, drawdown, endOfDay, freeze, openFacility, repay, type Command, type OpenFacilityCommand } from '#domain/facility.ts';
import { MAX_MONEY_FEN, parseYuan } from '#domain/money.ts';
import { parsePercent } from '#domain/rates.ts';
import { resolveTerms } from '#domain/terms.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import type { FacilityState } from '#domain/state.ts';
import { MILLION_YUAN, draw, openCommand, run } from './support.ts';

/** A facility with one drawdown, opening on 2026-01-21 after its first settlement. */
const base: FacilityState = run([openCommand(), draw('2026-01-05', MILLION_YUAN), { type: 'EndOfDay', date: '2026-01-20' }]).state;

/** Calls `fn` on a deep copy of `base`, expects a typed error with `code`, and the copy untouched. */
function refusedOnState(fn: (state: FacilityState) => unknown, code: string, path?: string): DomainError {
  const state = structuredClone(base);
  const snapshot = structuredClone(state);
  let caught: unknown;
  try {
    fn(state);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a typed domain error').toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect(error.code).toBe(code);
  if (code === 'validation-failed') expect(error).toBeInstanceOf(ValidationError);
  if (path !== undefined) expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
  expect(state).toEqual(snapshot);
  return error;
}

const badAmounts: [string, unknown][] = [
  ['negative', -1],
  ['zero', 0],
  ['fractional fen', 100.5],
  ['an unsafe integer', 2 ** 53],
  ['above the maximum', MAX_MONEY_FEN + 1],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['a string', '10000'],
  ['a yuan string', '100.00'],
  ['null', null],
  ['undefined', undefined],
  ['a bigint', 10_000n],
  ['an object', { amountFen: 10_000 }],
];

const badDates: [string, unknown][] = [
  ['29 Feb of a common year', '2026-02-29'],
  ['31 April', '2026-04-31'],
  ['not zero-padded', '2026-1-25'],
  ['a timestamp', '2026-01-25T00:00:00Z'],
  ['slashes', '2026/01/25'],
  ['empty', ''],
  ['a number', 20260125],
  ['a Date', new Date('2026-01-25T00:00:00Z')],
  ['null', null],
  ['undefined', undefined],
  ['before 1970', '1969-12-31'],
];

describe('drawdown', () => {
  it.each(badAmounts)('amount %s → validation-failed on "amount"', (_name, amountFen) => {
    refusedOnState((s) => drawdown(s, { type: 'Drawdown', date: '2026-01-21', amountFen: amountFen as number, lprPpm: 30_000 }), 'validation-failed', 'amount');
  });

  it.each([
    ['negative', -1],
    ['fractional', 30_000.5],
    ['above 100%', 1_000_001],
    ['NaN', Number.NaN],
    ['a percent string', '3.00'],
    ['missing', undefined],
  ])('LPR %s → validation-failed on "lprPpm"', (_name, lprPpm) => {
    refusedOnState((s) => drawdown(s, { type: 'Drawdown', date: '2026-01-21', amountFen: 100_00, lprPpm: lprPpm as number }), 'validation-failed', 'lprPpm');
  });

  it.each([
    ['zero', 0],
    ['negative', -30],
    ['fractional', 30.5],
    ['NaN', Number.NaN],
    ['a string', '30'],
    ['null', null],
  ])('term %s → validation-failed on "termDays"', (_name, termDays) => {
    refusedOnState((s) => drawdown(s, { type: 'Drawdown', date: '2026-01-21', amountFen: 100_00, lprPpm: 30_000, termDays: termDays as number }), 'validation-failed', 'termDays');
  });

  it.each(badDates)('date %s → validation-failed on "date"', (_name, date) => {
    refusedOnState((s) => drawdown(s, { type: 'Drawdown', date: date as string, amountFen: 100_00, lprPpm: 30_000 }), 'validation-failed', 'date');
  });

  it('a date before the facility’s business date → date-before-last-event', () => {
    refusedOnState((s) => drawdown(s, { type: 'Drawdown', date: '2026-01-20', amountFen: 100_00, lprPpm: 30_000 }), 'date-before-last-event');
  });
});

describe('repay', () => {
  it.each(badAmounts)('amount %s → validation-failed on "amount"', (_name, amountFen) => {
    refusedOnState((s) => repay(s, { type: 'Repayment', date: '2026-01-21', amountFen: amountFen as number }), 'validation-failed', 'amount');
  });

  it.each(badDates)('date %s → validation-failed on "date"', (_name, date) => {
    refusedOnState((s) => repay(s, { type: 'Repayment', date: date as string, amountFen: 100 }), 'validation-failed', 'date');
  });

  it('a date before the facility’s business date → date-before-last-event', () => {
    refusedOnState((s) => repay(s, { type: 'Repayment', date: '2026-01-05', amountFen: 100 }), 'date-before-last-event');
  });

  it('one fen above the payable → overpayment', () => {
    // Payable on 01-21: 153 333 interest due + 10^8 principal
    refusedOnState((s) => repay(s, { type: 'Repayment', date: '2026-01-21', amountFen: 100_153_334 }), 'overpayment');
  });
});

describe('freeze, unfreeze, close', () => {
  it.each(badDates)('freeze with date %s → validation-failed', (_name, date) => {
    refusedOnState((s) => freeze(s, { type: 'Freeze', date: date as string }), 'validation-failed', 'date');
  });

  it.each(badDates)('unfreeze with date %s → validation-failed', (_name, date) => {
    refusedOnState((s) => freeze(s, { type: 'Unfreeze', date: date as string }), 'validation-failed', 'date');
  });

  it.each(badDates)('close with date %s → validation-failed', (_name, date) => {
    refusedOnState((s) => close(s, { type: 'Close', date: date as string }), 'validation-failed', 'date');
  });

  it('dates before the business date → date-before-last-event', () => {
    refusedOnState((s) => freeze(s, { type: 'Freeze', date: '2026-01-01' }), 'date-before-last-event');
    refusedOnState((s) => freeze(s, { type: 'Unfreeze', date: '2026-01-01' }), 'date-before-last-event');
    refusedOnState((s) => close(s, { type: 'Close', date: '2026-01-01' }), 'date-before-last-event');
  });
});

describe('changeLimit', () => {
  it.each(badAmounts)('limit %s → validation-failed on "limit"', (_name, limitFen) => {
    refusedOnState((s) => changeLimit(s, { type: 'ChangeLimit', date: '2026-01-21', limitFen: limitFen as number }), 'validation-failed', 'limit');
  });

  it.each(badDates)('date %s → validation-failed', (_name, date) => {
    refusedOnState((s) => changeLimit(s, { type: 'ChangeLimit', date: date as string, limitFen: 3_000_000_00 }), 'validation-failed', 'date');
  });

  it('a date before the business date → date-before-last-event', () => {
    refusedOnState((s) => changeLimit(s, { type: 'ChangeLimit', date: '2026-01-02', limitFen: 3_000_000_00 }), 'date-before-last-event');
  });
});

describe('endOfDay, advance, valuationAsOf', () => {
  it.each(badDates)('endOfDay with date %s → validation-failed', (_name, date) => {
    refusedOnState((s) => endOfDay(s, { type: 'EndOfDay', date: date as string }), 'validation-failed', 'date');
  });

  it('endOfDay of a day already ended is a no-op, by design (EOD is idempotent), not an error', () => {
    const state = structuredClone(base);
    expect(endOfDay(state, { type: 'EndOfDay', date: '2026-01-10' })).toEqual({ state: base, events: [], result: undefined });
    expect(state).toEqual(base);
  });

  it.each(badDates)('advance to %s → validation-failed', (_name, date) => {
    refusedOnState((s) => advance(s, date as string), 'validation-failed');
  });

  it.each(badDates)('valuationAsOf %s → validation-failed', (_name, date) => {
    refusedOnState((s) => valuationAsOf(s, date as string), 'validation-failed');
  });

  it('advance or value before the business date → date-before-last-event', () => {
    refusedOnState((s) => advance(s, '2026-01-20'), 'date-before-last-event');
    refusedOnState((s) => valuationAsOf(s, '2026-01-20'), 'date-before-last-event');
  });
});

describe('LPR fixings carried by commands (floating rates)', () => {
  const floating = run([openCommand({ maturityDate: '2027-12-31' }, { rateType: 'FLOATING' }), draw('2026-12-10', MILLION_YUAN)]).state;
  const crossing = (lpr: unknown) => (s: FacilityState) => applyCommand(s, { type: 'EndOfDay', date: '2027-01-05', lpr } as Command);

  it.each([
    ['NaN', [{ date: '2026-12-22', oneYearPpm: Number.NaN }], 'lpr[0].oneYearPpm'],
    ['a string rate', [{ date: '2026-12-22', oneYearPpm: '29000' }], 'lpr[0].oneYearPpm'],
    ['a negative rate', [{ date: '2026-12-22', oneYearPpm: -1 }], 'lpr[0].oneYearPpm'],
    ['a fractional rate', [{ date: '2026-12-22', oneYearPpm: 29_000.5 }], 'lpr[0].oneYearPpm'],
    ['a rate above 100%', [{ date: '2026-12-22', oneYearPpm: 2_000_000 }], 'lpr[0].oneYearPpm'],
    ['an invalid date', [{ date: '2026-02-30', oneYearPpm: 29_000 }], 'lpr[0].date'],
    ['fixings out of order', [{ date: '2026-11-20', oneYearPpm: 30_000 }, { date: '2027-02-01', oneYearPpm: 1 }, { date: '2026-12-22', oneYearPpm: 29_000 }], 'lpr[2].date'],
    ['a null fixing', [null], 'lpr[0]'],
    ['not a list', 42, 'lpr'],
    ['a string', 'abc', 'lpr'],
  ])('%s → validation-failed, never a NaN, fractional or 100%% rate', (_name, lpr, path) => {
    const state = structuredClone(floating);
    const snapshot = structuredClone(state);
    let caught: unknown;
    try {
      crossing(lpr)(state);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues.map((i) => i.path)).toContain(path);
    expect(state).toEqual(snapshot);
  });

  it('a missing fixing for a repricing date → lpr-not-found', () => {
    const state = structuredClone(floating);
    expect(() => crossing([{ date: '2027-02-01', oneYearPpm: 29_000 }])(state)).toThrow(expect.objectContaining({ code: 'lpr-not-found' }));
    expect(state).toEqual(floating);
  });
});

describe('openFacility', () => {
  const valid = openCommand();
  const issuesOf = (command: OpenFacilityCommand) => {
    const frozen = structuredClone(command);
    let caught: unknown;
    try {
      openFacility(command);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(command).toEqual(frozen);
    return (caught as ValidationError).issues.map((i) => i.path);
  };

  it.each([
    ['facilityId', ''],
    ['facilityId', 'F 1'],
    ['facilityId', 'x'.repeat(65)],
    ['facilityId', 'F/1'],
    ['facilityId', '授信1'],
    ['facilityId', 42],
    ['borrowerId', null],
    ['borrowerId', 'B;1'],
    ['limit', 0],
    ['limit', -1],
    ['limit', 1.5],
    ['limit', 2 ** 53],
    ['limit', Number.NaN],
    ['limit', '1000000'],
    ['limit', MAX_MONEY_FEN + 1],
    ['effectiveDate', '2026-02-29'],
    ['effectiveDate', 20260101],
    ['maturityDate', '2026-13-01'],
    ['pricing.spreadBp', 5_001],
    ['pricing.spreadBp', -5_001],
    ['pricing.spreadBp', 4.5],
    ['pricing.spreadBp', '45'],
    ['pricing.floorPpm', -1],
    ['pricing.floorPpm', 1_000_001],
    ['pricing.floorPpm', Number.NaN],
  ])('%s = %j is refused on that path', (path, value) => {
    const command = structuredClone(valid) as unknown as Record<string, unknown>;
    if (path === 'limit') command.limitFen = value;
    else if (path.startsWith('pricing.')) (command.pricing as Record<string, unknown>)[path.slice(8)] = value;
    else command[path] = value;
    expect(issuesOf(command as unknown as OpenFacilityCommand)).toEqual([path]);
  });

  it('every bad field is reported at once', () => {
    const command = { ...valid, facilityId: '', limitFen: -1, pricing: { spreadBp: 9_999, floorPpm: -1 }, terms: { graceDays: 99 } } as OpenFacilityCommand;
    expect(issuesOf(command)).toEqual(['facilityId', 'limit', 'pricing.spreadBp', 'pricing.floorPpm', 'terms.graceDays']);
  });

  it('missing pricing is a validation error, not a TypeError', () => {
    const { pricing: _omitted, ...rest } = valid;
    expect(issuesOf(rest as OpenFacilityCommand)).toEqual(['pricing.spreadBp', 'pricing.floorPpm']);
  });

  it.each([
    ['maturity before effective', { effectiveDate: '2026-06-01', maturityDate: '2026-05-31' }],
    ['maturity equal to effective', { maturityDate: '2026-01-01' }],
    ['a term over 5 years (1 827 days)', { maturityDate: '2031-01-03' }], // 2026-01-01 + 1 828 days
    ['maturity not after the business date', { date: '2026-12-31', effectiveDate: '2026-01-01', maturityDate: '2026-12-31' }],
  ])('%s → maturityDate', (_name, patch) => {
    expect(issuesOf({ ...valid, ...patch })).toEqual(['maturityDate']);
  });

  it('a term of exactly 1 827 days is accepted', () => {
    expect(openFacility({ ...valid, maturityDate: '2031-01-02' }).state.maturityDate).toBe('2031-01-02'); // 2026-01-01 + 1 827
  });

  it('an invalid business date is refused first', () => {
    expect(() => openFacility({ ...valid, date: '2026-02-30' })).toThrow(ValidationError);
  });
});

describe('resolveTerms', () => {
  it.each([
    ['dayCount', 'ACT_366'],
    ['settlementCycle', 'WEEKLY'],
    ['rounding', 'UP'],
    ['compoundInterest', 'yes'],
    ['compoundInterest', 1],
    ['graceDays', -1],
    ['graceDays', 31],
    ['graceDays', 1.5],
    ['graceDays', '3'],
    ['penaltyUpliftPct', 29],
    ['penaltyUpliftPct', 51],
    ['penaltyUpliftPct', Number.NaN],
    ['minDrawdownFen', 0],
    ['minDrawdownFen', 100_000_000_001],
    ['maxDrawdownTermDays', 0],
    ['maxDrawdownTermDays', 1_097],
    ['maxOpenDrawdowns', 0],
    ['maxOpenDrawdowns', 101],
    ['allocationOrder', ['PRINCIPAL']],
    ['allocationOrder', ['PRINCIPAL', 'PRINCIPAL', 'COMPOUND_INTEREST', 'PENALTY_INTEREST', 'OVERDUE_INTEREST', 'INTEREST_DUE', 'ACCRUED_INTEREST']],
    ['allocationOrder', ['FEES', 'PRINCIPAL', 'COMPOUND_INTEREST', 'PENALTY_INTEREST', 'OVERDUE_INTEREST', 'INTEREST_DUE', 'ACCRUED_INTEREST']],
    ['allocationOrder', 'PRINCIPAL'],
    ['rateType', 'VARIABLE'],
    ['repricing', 'MONTHLY'],
  ])('%s = %j → validation-failed on terms.%s', (field, value) => {
    expect(() => resolveTerms({ [field]: value } as never)).toThrow(ValidationError);
    try {
      resolveTerms({ [field]: value } as never);
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([`terms.${field}`]);
    }
  });

  it('the boundaries themselves are accepted', () => {
    expect(resolveTerms({ graceDays: 30, penaltyUpliftPct: 30, maxDrawdownTermDays: 1_096, maxOpenDrawdowns: 100, minDrawdownFen: 1 })).toMatchObject({ graceDays: 30, penaltyUpliftPct: 30 });
  });

  it('a misspelt term is refused rather than silently replaced by its default', () => {
    expect(() => resolveTerms({ graceDay: 5 } as never)).toThrow(ValidationError);
    try {
      resolveTerms({ graceDay: 5 } as never);
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['terms.graceDay']);
    }
  });

  it.each([['a string', 'abc'], ['a number', 42], ['an array', []], ['null', null]])('terms that are %s are refused', (_name, value) => {
    expect(() => resolveTerms(value as never)).toThrow(ValidationError);
  });

  it('the returned terms share nothing with the input (the allocation order is copied)', () => {
    const order = ['PRINCIPAL', 'COMPOUND_INTEREST', 'PENALTY_INTEREST', 'OVERDUE_INTEREST', 'OVERDUE_PRINCIPAL', 'INTEREST_DUE', 'ACCRUED_INTEREST'] as const;
    const input = { allocationOrder: [...order] };
    const terms = resolveTerms(input);
    input.allocationOrder[0] = 'ACCRUED_INTEREST';
    expect(terms.allocationOrder[0]).toBe('PRINCIPAL');
  });
});

describe('parsers', () => {
  it.each([[-1], [Number.NaN], [100], [null], [undefined], ['-1'], ['1e5'], ['1.001'], [' 1'], [''], ['01'], ['１']])('parseYuan(%j) → validation-failed', (value) => {
    expect(() => parseYuan(value)).toThrow(ValidationError);
  });

  it.each([[3.45], [Number.NaN], ['-3.45'], ['3.45678'], ['1e1'], [''], [null]])('parsePercent(%j) → validation-failed', (value) => {
    expect(() => parsePercent(value)).toThrow(ValidationError);
  });

  it.each(badDates)('parseBusinessDate(%s) → validation-failed', (_name, value) => {
    expect(() => parseBusinessDate(value)).toThrow(ValidationError);
  });
});

describe('the journal entry point', () => {
  it('an unknown command type is refused, not silently ignored', () => {
    const state = structuredClone(base);
    expect(() => applyCommand(state, { type: 'Refund', date: '2026-01-21', amountFen: 100 } as unknown as Command)).toThrow(ValidationError);
    expect(state).toEqual(base);
  });

  it('a command without a facility → not-found; opening twice → facility-exists', () => {
    expect(() => applyCommand(null, { type: 'Repayment', date: '2026-01-21', amountFen: 1 })).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => applyCommand(base, openCommand())).toThrow(expect.objectContaining({ code: 'facility-exists' }));
  });
});
