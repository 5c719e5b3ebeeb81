/**
 * The renewal policy's scope and conditions (无还本续贷, 金规〔2024〕13号; docs/renewal.md
 * issue 10). Each check yields PASS, REFER or REJECT with a stable `reason` code, the figures the
 * reason names (`params`) and a plain-words `detail` saying what the SME can do about it. Any
 * REJECT → REJECTED, else any REFER → REFERRED (operations review), else APPROVED. Every threshold
 * is in the product configuration (`RenewalConfig`). Pure: the caller supplies every input.
 */
import { addDays, daysBetween, fromDay, toDay, type BusinessDate } from './calendar.ts';
import { maxDpdWithin } from './classification.ts';
import { formatYuan } from './money.ts';
import type { BorrowerProfile } from './profile.ts';
import type { RenewalConfig } from './product.ts';
import type { CheckOutcome, Classification, FacilityState, RenewalCheck, RenewalCheckCode, RenewalReason } from './state.ts';
import type { CategoryAmounts } from './valuation.ts';


/** The statuses operations list applications by (GET /v1/ops/renewals?status=…). */
export const RENEWAL_QUEUE_STATUSES = ['REFERRED', 'APPROVED', 'DECLINED', 'EXPIRED'] as const;
export type RenewalQueueStatus = (typeof RENEWAL_QUEUE_STATUSES)[number];

/** What the checks read besides the state: the borrower's profile and class, what it owes on the day. */
export interface CheckInputs {
  state: FacilityState;
  date: BusinessDate;
  /** Owed on `date` by repayment category (a payment that day would meet these). */
  owed: CategoryAmounts;
  /** The borrower-level class (the worst of the borrower's facilities for an enterprise). */
  borrowerClass: Classification;
  profile: BorrowerProfile | null;
  config: RenewalConfig;
}

export function decisionOf(checks: readonly RenewalCheck[]): 'APPROVED' | 'REFERRED' | 'REJECTED' {
  if (checks.some((c) => c.outcome === 'REJECT')) return 'REJECTED';
  if (checks.some((c) => c.outcome === 'REFER')) return 'REFERRED';
  return 'APPROVED';
}

/** Runs every check, in RENEWAL_CHECKS order. */
export function runRenewalChecks(input: CheckInputs): RenewalCheck[] {
  const checks: RenewalCheck[] = [];
  const add = (code: RenewalCheckCode, outcome: CheckOutcome, reason: RenewalReason, detail: string, params: Record<string, string | number> = {}) =>
    checks.push({ code, outcome, reason, params, detail });
  const { state, date, owed, profile, config } = input;

  // Facility status.
  if (state.status === 'ACTIVE') add('facility-status', 'PASS', 'facility-active', 'The credit line is active.');
  else if (state.status === 'FROZEN') {
    add('facility-status', 'REJECT', 'facility-frozen', 'The credit line is frozen. Ask your relationship manager why and what lifts the freeze; you can apply again once it is active.');
  } else if (state.status === 'MATURED') {
    add('facility-status', 'REJECT', 'facility-matured', `The credit line matured on ${state.maturityDate} and can no longer be renewed. Repay what is owed, or ask the bank for a new line.`, {
      maturityDate: state.maturityDate,
    });
  } else add('facility-status', 'REJECT', 'facility-closed', 'The credit line is closed. Ask the bank for a new line.');

  // Application window: from `windowDays` before maturity to the maturity date itself.
  const daysToMaturity = daysBetween(date, state.maturityDate);
  const opens = addDays(state.maturityDate, -config.windowDays);
  if (daysToMaturity < 0) {
    add('application-window', 'REJECT', 'window-closed', `The renewal window closed when the line matured on ${state.maturityDate}.`, { maturityDate: state.maturityDate });
  } else if (daysToMaturity > config.windowDays) {
    add('application-window', 'REJECT', 'window-not-open', `Applications open ${config.windowDays} days before maturity: apply on or after ${opens}.`, {
      opensOn: opens,
      windowDays: config.windowDays,
    });
  } else {
    add('application-window', 'PASS', 'window-open', `${daysToMaturity} days before maturity (${state.maturityDate}); the window opened on ${opens}.`, {
      daysToMaturity,
      maturityDate: state.maturityDate,
    });
  }

  // 无欠贷欠息: overdue principal or interest (and the charges on them) is arrears; settled interest
  // that is due but not yet overdue is not, and the SME is told what to pay by when.
  const arrears = owed.OVERDUE_PRINCIPAL + owed.OVERDUE_INTEREST + owed.PENALTY_INTEREST + owed.COMPOUND_INTEREST;
  if (arrears > 0) {
    add('no-arrears', 'REJECT', 'arrears-unpaid', `${formatYuan(arrears)} yuan is overdue (principal, interest or the charges on them). Repay it; you can apply again once nothing is overdue.`, {
      amount: formatYuan(arrears),
    });
  } else if (owed.INTEREST_DUE > 0) {
    const payBy = interestPayBy(state, date);
    add(
      'no-arrears',
      'PASS',
      'interest-due-not-overdue',
      `No arrears. ${formatYuan(owed.INTEREST_DUE)} yuan of settled interest is due: pay it by ${payBy} so that it does not become overdue.`,
      { amount: formatYuan(owed.INTEREST_DUE), payBy },
    );
  } else add('no-arrears', 'PASS', 'no-arrears', 'No arrears: nothing is overdue and settled interest is paid.');

  // Quality of the original loan: the borrower-level class.
  const cls = input.borrowerClass;
  if (cls === 'NORMAL') add('classification', 'PASS', 'class-normal', 'Your loans are classified normal (正常).', { classification: cls });
  else if (cls === 'SPECIAL_MENTION') {
    add('classification', 'REFER', 'class-special-mention', 'Your loans are classified special mention (关注): an officer reviews the application. Keeping every payment on time helps.', {
      classification: cls,
    });
  } else {
    add('classification', 'REJECT', 'class-non-performing', `Your loans are classified non-performing (${cls}): a renewal is not possible. Talk to your relationship manager about repayment.`, {
      classification: cls,
    });
  }

  // DPD history over the look-back window.
  const windowDays = config.dpdHistoryWindowDays;
  const maxDpd = maxDpdWithin(state, date, windowDays);
  if (maxDpd === 0) add('dpd-history', 'PASS', 'no-days-past-due', `Nothing was past due in the last ${windowDays} days.`, { windowDays, maxDaysPastDue: 0 });
  else if (maxDpd <= config.dpdReferMax) {
    add('dpd-history', 'REFER', 'days-past-due-minor', `A payment was up to ${maxDpd} days late in the last ${windowDays} days: an officer reviews the application.`, {
      windowDays,
      maxDaysPastDue: maxDpd,
    });
  } else {
    add('dpd-history', 'REJECT', 'days-past-due-serious', `A payment was ${maxDpd} days late in the last ${windowDays} days (more than ${config.dpdReferMax}): a renewal is not possible now.`, {
      windowDays,
      maxDaysPastDue: maxDpd,
    });
  }

  if (profile === null) {
    const missing = 'The bank has no borrower profile for you yet: an officer reviews the application. Your relationship manager can record it.';
    for (const code of ['business-registration', 'tax-rating', 'policy-scope', 'funds-use', 'new-lending-standard', 'profile-freshness'] as const) {
      add(code, 'REFER', 'profile-missing', missing);
    }
  } else {
    profileChecks(profile, date, config, add);
  }

  if (state.renewalCount < config.maxConsecutiveRenewals) {
    add('renewal-count', 'PASS', 'renewal-count-below-maximum', `This would be renewal ${state.renewalCount + 1} of up to ${config.maxConsecutiveRenewals} without a review.`, {
      renewalNumber: state.renewalCount + 1,
      maximum: config.maxConsecutiveRenewals,
    });
  } else {
    add(
      'renewal-count',
      'REFER',
      'renewal-count-at-maximum',
      `The line has been renewed ${state.renewalCount} times in a row (up to ${config.maxConsecutiveRenewals} without a review): an officer reviews the application.`,
      { renewalCount: state.renewalCount, maximum: config.maxConsecutiveRenewals },
    );
  }
  return checks;
}

type Add = (code: RenewalCheckCode, outcome: CheckOutcome, reason: RenewalReason, detail: string, params?: Record<string, string | number>) => void;

function profileChecks(profile: BorrowerProfile, date: BusinessDate, config: RenewalConfig, add: Add): void {
  if (profile.registrationStatus === 'ACTIVE') add('business-registration', 'PASS', 'registration-active', 'Your business registration is active.');
  else if (profile.registrationStatus === 'SUSPENDED') {
    add('business-registration', 'REJECT', 'registration-suspended', 'Your business registration is suspended (经营异常). Have it restored with the market regulator, then apply again.');
  } else add('business-registration', 'REJECT', 'registration-revoked', 'Your business registration is revoked: a renewal is not possible.');

  if (profile.taxRating === 'D') add('tax-rating', 'REJECT', 'tax-rating-d', 'Your tax credit rating is D: a renewal is not possible.', { taxRating: 'D' });
  else if (profile.taxRating === 'C') add('tax-rating', 'REFER', 'tax-rating-c', 'Your tax credit rating is C: an officer reviews the application.', { taxRating: 'C' });
  else add('tax-rating', 'PASS', 'tax-rating-good', `Your tax credit rating is ${profile.taxRating}.`, { taxRating: profile.taxRating });

  policyScope(profile, date, config, add);

  const funds = profile.fundsUseCompliant ?? 'unknown';
  if (funds === true) add('funds-use', 'PASS', 'funds-used-as-agreed', 'The loan was used for the purpose agreed.');
  else if (funds === false) {
    add('funds-use', 'REJECT', 'funds-diverted', 'The last post-loan check found the loan not used as agreed (挪用): a renewal is not possible.');
  } else {
    add('funds-use', 'REFER', 'funds-use-unknown', 'The bank has not yet confirmed how the loan was used: an officer reviews the application. Invoices or contracts showing the use speed it up.');
  }

  const grade = profile.riskGrade;
  const params = { riskGrade: grade, passMax: config.riskGradePassMax, referMax: config.riskGradeReferMax };
  if (grade <= config.riskGradePassMax) {
    add('new-lending-standard', 'PASS', 'risk-grade-acceptable', `Your internal risk grade ${grade} meets the standard for new lending.`, params);
  } else if (grade <= config.riskGradeReferMax) {
    add('new-lending-standard', 'REFER', 'risk-grade-review', `Your internal risk grade ${grade} needs an officer's review against the standard for new lending.`, params);
  } else {
    add('new-lending-standard', 'REJECT', 'risk-grade-too-high', `Your internal risk grade ${grade} does not meet the standard for new lending (grade ${config.riskGradeReferMax} or better).`, params);
  }

  const age = daysBetween(profile.profileDate, date);
  const maxAge = config.profileMaxAgeDays;
  if (age > maxAge) {
    add('profile-freshness', 'REFER', 'profile-stale', `Your profile was last verified on ${profile.profileDate}, ${age} days ago (at most ${maxAge}): an officer reviews the application. Ask your relationship manager to update it.`, {
      profileDate: profile.profileDate,
      ageDays: age,
      maxAgeDays: maxAge,
    });
  } else if (age < 0) {
    add('profile-freshness', 'REFER', 'profile-future-dated', `Your profile is dated ${profile.profileDate}, after the application: an officer checks it.`, { profileDate: profile.profileDate });
  } else add('profile-freshness', 'PASS', 'profile-current', `Your profile was verified on ${profile.profileDate}.`, { profileDate: profile.profileDate, ageDays: age, maxAgeDays: maxAge });
}

/** 金规〔2024〕13号 scope: micro and small enterprises, medium ones during the extension, 个体工商户, 小微企业主 and 农户 (business purpose). */
function policyScope(profile: BorrowerProfile, date: BusinessDate, config: RenewalConfig, add: Add): void {
  switch (profile.borrowerType) {
    case 'INDIVIDUAL_BUSINESS':
      return add('policy-scope', 'PASS', 'scope-individual-business', 'Individual businesses (个体工商户) are in the policy’s scope.');
    case 'OWNER':
      return add('policy-scope', 'PASS', 'scope-owner', 'Owners of small and micro enterprises (小微企业主) borrowing for the business are in the policy’s scope.');
    case 'FARMER':
      return add('policy-scope', 'PASS', 'scope-farmer', 'Farmers (农户) borrowing for their farming business are in the policy’s scope.');
    default:
      break;
  }
  const ends = config.mediumEnterpriseScopeEnds;
  switch (profile.enterpriseSize) {
    case 'MICRO':
    case 'SMALL':
      return add('policy-scope', 'PASS', 'scope-micro-small-enterprise', `${profile.enterpriseSize === 'MICRO' ? 'Micro' : 'Small'} enterprises are in the policy’s scope.`, {
        enterpriseSize: profile.enterpriseSize,
      });
    case 'MEDIUM':
      if (date <= ends) {
        return add('policy-scope', 'PASS', 'scope-medium-enterprise-extension', `Medium enterprises are in the policy’s scope for applications up to ${ends}.`, { scopeEnds: ends });
      }
      return add('policy-scope', 'REFER', 'scope-medium-extension-ended', `The policy’s extension to medium enterprises ended on ${ends}: an officer reviews the application.`, { scopeEnds: ends });
    case 'LARGE':
      return add('policy-scope', 'REJECT', 'scope-large-enterprise', 'Large enterprises are outside the policy’s scope: ask your relationship manager about other financing.');
    default:
      return add('policy-scope', 'REFER', 'scope-enterprise-size-missing', 'The bank has no enterprise size on file for you: an officer reviews the application.');
  }
}

/** The last day the settled interest due on `date` can be paid before the earliest of it turns overdue. */
function interestPayBy(state: FacilityState, date: BusinessDate): BusinessDate {
  const day = toDay(date);
  let earliest = Number.POSITIVE_INFINITY;
  for (const d of state.drawdowns) {
    for (const item of d.interestItems) {
      const from = toDay(item.overdueFrom);
      if (item.amountFen > 0 && from > day && from < earliest) earliest = from;
    }
  }
  return Number.isFinite(earliest) ? fromDay(earliest - 1) : date;
}
