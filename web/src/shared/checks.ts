/**
 * The renewal checks (无还本续贷 条件) in the SME's words, both languages: each check's name and what
 * it means (keyed by its `code`), and for each outcome what was found and what to do (keyed by its
 * stable `reason`, filled in from `params`; docs/renewal.md lists them). Records over the domain's
 * RenewalCheckCode and RenewalReason: a check or reason added to the rules does not compile here
 * until it has its texts. The API's own English `detail` is shown beside them.
 */
import type { RenewalCheckCode, RenewalReason } from '#domain/state.ts';
import type { Lang } from './lang.ts';

export interface CheckName {
  readonly name: string;
  readonly meaning: string;
}

export const CHECK_NAMES: Readonly<Record<RenewalCheckCode, Readonly<Record<Lang, CheckName>>>> = {
  'facility-status': {
    'zh-CN': { name: '额度状态', meaning: '额度须处于正常使用状态，未被冻结、到期或关闭。' },
    en: { name: 'Facility status', meaning: 'The credit line must be active: not frozen, matured or closed.' },
  },
  'application-window': {
    'zh-CN': { name: '申请时间', meaning: '须在额度到期前 30 天内、到期日（含）之前提出续贷申请。' },
    en: { name: 'Application window', meaning: 'Apply within the 30 days before the line matures, up to the maturity date.' },
  },
  'no-arrears': {
    'zh-CN': { name: '无欠贷欠息', meaning: '不能有逾期本金、逾期利息或罚息未还。' },
    en: { name: 'No arrears', meaning: 'No overdue principal, overdue interest or penalty interest may be unpaid.' },
  },
  classification: {
    'zh-CN': { name: '风险分类', meaning: '贷款风险分类须为“正常”类。' },
    en: { name: 'Risk classification', meaning: 'The loans must be classified NORMAL.' },
  },
  'dpd-history': {
    'zh-CN': { name: '近一年还款记录', meaning: '近 12 个月内没有逾期记录。' },
    en: { name: 'Repayment record (12 months)', meaning: 'No days past due in the last 12 months.' },
  },
  'business-registration': {
    'zh-CN': { name: '工商登记', meaning: '企业工商登记状态须为存续（正常）。' },
    en: { name: 'Business registration', meaning: 'The business registration must be active.' },
  },
  'tax-rating': {
    'zh-CN': { name: '纳税信用等级', meaning: '纳税信用等级为 A、B 或 M 级。' },
    en: { name: 'Tax credit rating', meaning: 'The tax credit rating must be A, B or M.' },
  },
  'policy-scope': {
    'zh-CN': { name: '政策适用范围', meaning: '无还本续贷面向小微企业、个体工商户、小微企业主和农户（中型企业在政策延期内适用）。' },
    en: { name: 'Policy scope', meaning: 'For micro and small enterprises, individual businesses, owners and farmers (medium enterprises during the policy’s extension).' },
  },
  'funds-use': {
    'zh-CN': { name: '贷款用途', meaning: '贷款资金须按合同约定用途使用，不得挪用。' },
    en: { name: 'Use of funds', meaning: 'The loan must have been used as agreed, not diverted.' },
  },
  'new-lending-standard': {
    'zh-CN': { name: '新发放贷款标准', meaning: '续贷须符合新发放贷款的条件（内部风险等级不高于 7 级）。' },
    en: { name: 'Standard for new lending', meaning: 'A renewal must meet the standard for new lending (internal risk grade 7 or better).' },
  },
  'profile-freshness': {
    'zh-CN': { name: '客户资料时效', meaning: '银行掌握的客户资料须在 90 天内核实过。' },
    en: { name: 'Profile up to date', meaning: 'The bank’s profile of your business must have been verified within 90 days.' },
  },
  'renewal-count': {
    'zh-CN': { name: '连续续贷次数', meaning: '连续续贷次数须低于产品规定的上限。' },
    en: { name: 'Consecutive renewals', meaning: 'The line must have been renewed fewer times in a row than the product allows.' },
  },
};

export type Params = Readonly<Record<string, string | number>>;
type Text = (p: Params) => string;

const PROFILE_MISSING: Readonly<Record<Lang, Text>> = {
  'zh-CN': () => '银行尚无您的客户资料，需要人工审核。请向客户经理提供营业执照、纳税和经营情况等资料。',
  en: () => 'The bank has no profile of your business yet, so it reviews by hand. Give your relationship manager your business licence, tax and trading information.',
};

/** What each reason says: what was found and, for REFER and REJECT, what the SME can do. */
export const REASON_TEXTS: Readonly<Record<RenewalReason, Readonly<Record<Lang, Text>>>> = {
  'facility-active': { 'zh-CN': () => '额度正常。', en: () => 'The line is active.' },
  'facility-frozen': { 'zh-CN': () => '额度已被冻结，暂不能续贷。请联系客户经理了解冻结原因并解除后再申请。', en: () => 'The line is frozen. Ask your relationship manager why, and apply again once it is unfrozen.' },
  'facility-matured': { 'zh-CN': (p) => `额度已于 ${p['maturityDate'] ?? ''} 到期，不能再申请续贷。请联系客户经理。`, en: (p) => `The line matured on ${p['maturityDate'] ?? ''}; it can no longer be renewed. Contact your relationship manager.` },
  'facility-closed': { 'zh-CN': () => '额度已关闭。', en: () => 'The line is closed.' },
  'window-open': { 'zh-CN': (p) => `距到期日 ${p['maturityDate'] ?? ''} 还有 ${p['daysToMaturity'] ?? ''} 天，在申请期内。`, en: (p) => `${p['daysToMaturity'] ?? ''} days before maturity (${p['maturityDate'] ?? ''}): inside the window.` },
  'window-not-open': { 'zh-CN': (p) => `申请期尚未开始，请于 ${p['opensOn'] ?? ''} 起（到期前 ${p['windowDays'] ?? 30} 天内）再申请。`, en: (p) => `The window is not open yet: apply from ${p['opensOn'] ?? ''} (${p['windowDays'] ?? 30} days before maturity).` },
  'window-closed': { 'zh-CN': (p) => `额度已于 ${p['maturityDate'] ?? ''} 到期，申请期已结束。请联系客户经理。`, en: (p) => `The line matured on ${p['maturityDate'] ?? ''}: the window has closed. Contact your relationship manager.` },
  'no-arrears': { 'zh-CN': () => '没有欠贷欠息，利息已按时结清。', en: () => 'No arrears; interest is paid up to date.' },
  'interest-due-not-overdue': { 'zh-CN': (p) => `没有欠贷欠息。另有已结利息 ${p['amount'] ?? ''} 元待付，请在 ${p['payBy'] ?? ''} 前还款，以免逾期。`, en: (p) => `No arrears. ${p['amount'] ?? ''} yuan of settled interest is due: pay it by ${p['payBy'] ?? ''} so that it does not become overdue.` },
  'arrears-unpaid': { 'zh-CN': (p) => `有逾期本金或利息 ${p['amount'] ?? ''} 元未还（欠贷欠息）。请先还清（可在“我的额度”查看今日应还），再申请续贷。`, en: (p) => `${p['amount'] ?? ''} yuan of overdue principal or interest is unpaid. Repay it first (see “payable today”), then apply again.` },
  'class-normal': { 'zh-CN': () => '风险分类为正常类。', en: () => 'Classified NORMAL.' },
  'class-special-mention': { 'zh-CN': () => '风险分类为关注类，需要银行审核。保持按时还款有助于审核。', en: () => 'Classified SPECIAL MENTION: the bank reviews the application. Keep repaying on time.' },
  'class-non-performing': { 'zh-CN': () => '贷款已列为不良（次级、可疑或损失），暂不能续贷。请联系客户经理商议还款安排。', en: () => 'The loans are non-performing (substandard, doubtful or loss); they cannot be renewed. Discuss repayment with your relationship manager.' },
  'no-days-past-due': { 'zh-CN': () => '近 12 个月没有逾期。', en: () => 'No days past due in the last 12 months.' },
  'days-past-due-minor': { 'zh-CN': (p) => `近 12 个月最长逾期 ${p['maxDaysPastDue'] ?? ''} 天，需要银行审核。今后请按时还款。`, en: (p) => `Up to ${p['maxDaysPastDue'] ?? ''} days past due in the last 12 months: the bank reviews. Repay on time from now on.` },
  'days-past-due-serious': { 'zh-CN': (p) => `近 12 个月最长逾期 ${p['maxDaysPastDue'] ?? ''} 天，超过 30 天，暂不符合续贷条件。请联系客户经理。`, en: (p) => `${p['maxDaysPastDue'] ?? ''} days past due in the last 12 months, more than 30: not eligible. Contact your relationship manager.` },
  'registration-active': { 'zh-CN': () => '工商登记正常。', en: () => 'Business registration active.' },
  'registration-suspended': { 'zh-CN': () => '工商登记为经营异常，暂不能续贷。解除异常后，请向客户经理提供证明再申请。', en: () => 'The registration is suspended (经营异常). Once it is cleared, show the proof to your relationship manager and apply again.' },
  'registration-revoked': { 'zh-CN': () => '工商登记已吊销或注销，不能续贷。', en: () => 'The registration is revoked: the line cannot be renewed.' },
  'tax-rating-good': { 'zh-CN': (p) => `纳税信用等级 ${p['taxRating'] ?? ''} 级。`, en: (p) => `Tax credit rating ${p['taxRating'] ?? ''}.` },
  'tax-rating-c': { 'zh-CN': () => '纳税信用等级为 C 级，需要银行审核。可向客户经理提供近期完税证明。', en: () => 'Tax credit rating C: the bank reviews. Recent tax payment certificates help.' },
  'tax-rating-d': { 'zh-CN': () => '纳税信用等级为 D 级，暂不符合续贷条件。', en: () => 'Tax credit rating D: not eligible at present.' },
  'scope-micro-small-enterprise': { 'zh-CN': () => '小微企业，在政策范围内。', en: () => 'A micro or small enterprise: in scope.' },
  'scope-medium-enterprise-extension': { 'zh-CN': (p) => `中型企业在政策延期（至 ${p['scopeEnds'] ?? ''}）内适用。`, en: (p) => `A medium enterprise, in scope during the extension (until ${p['scopeEnds'] ?? ''}).` },
  'scope-medium-extension-ended': { 'zh-CN': (p) => `中型企业的政策延期已于 ${p['scopeEnds'] ?? ''} 结束，需要银行逐笔审核，请等待审核结果。`, en: (p) => `The extension for medium enterprises ended on ${p['scopeEnds'] ?? ''}: the bank reviews case by case.` },
  'scope-large-enterprise': { 'zh-CN': () => '大型企业不在无还本续贷政策范围内，请与客户经理商议其他方式。', en: () => 'Large enterprises are outside the policy; discuss other options with your relationship manager.' },
  'scope-enterprise-size-missing': { 'zh-CN': () => '银行尚无企业规模信息，需要人工审核。请向客户经理提供企业规模相关资料。', en: () => 'The bank has no enterprise size on file: the bank reviews. Give your relationship manager the figures.' },
  'scope-individual-business': { 'zh-CN': () => '个体工商户，在政策范围内。', en: () => 'An individual business: in scope.' },
  'scope-owner': { 'zh-CN': () => '小微企业主，在政策范围内。', en: () => 'An owner of a small business: in scope.' },
  'scope-farmer': { 'zh-CN': () => '农户，在政策范围内。', en: () => 'A farmer: in scope.' },
  'funds-used-as-agreed': { 'zh-CN': () => '资金按约定用途使用。', en: () => 'Funds used as agreed.' },
  'funds-use-unknown': { 'zh-CN': () => '银行尚未核实资金用途，需要人工审核。请向客户经理提供合同、发票等用款凭证。', en: () => 'The bank has not verified how the funds were used: it reviews. Send contracts and invoices to your relationship manager.' },
  'funds-diverted': { 'zh-CN': () => '资金未按约定用途使用（挪用），不能续贷。', en: () => 'The funds were not used as agreed: the line cannot be renewed.' },
  'risk-grade-acceptable': { 'zh-CN': (p) => `内部风险等级 ${p['riskGrade'] ?? ''} 级，符合新发放贷款标准。`, en: (p) => `Internal risk grade ${p['riskGrade'] ?? ''}: meets the standard for new lending.` },
  'risk-grade-review': { 'zh-CN': (p) => `内部风险等级 ${p['riskGrade'] ?? ''} 级，需要银行审核。可提供最新财务报表。`, en: (p) => `Internal risk grade ${p['riskGrade'] ?? ''}: the bank reviews. Recent financial statements help.` },
  'risk-grade-too-high': { 'zh-CN': (p) => `内部风险等级 ${p['riskGrade'] ?? ''} 级，不符合新发放贷款标准。`, en: (p) => `Internal risk grade ${p['riskGrade'] ?? ''}: below the standard for new lending.` },
  'profile-current': { 'zh-CN': (p) => `客户资料已于 ${p['profileDate'] ?? ''} 核实。`, en: (p) => `Profile verified on ${p['profileDate'] ?? ''}.` },
  'profile-stale': { 'zh-CN': (p) => `客户资料于 ${p['profileDate'] ?? ''} 核实，已超过 ${p['maxAgeDays'] ?? 90} 天，需要银行审核。请向客户经理提供最新的经营和财务资料。`, en: (p) => `The profile was verified on ${p['profileDate'] ?? ''}, more than ${p['maxAgeDays'] ?? 90} days ago: the bank reviews. Send up-to-date business and financial information.` },
  'profile-future-dated': { 'zh-CN': (p) => `客户资料日期 ${p['profileDate'] ?? ''} 晚于申请日，需要银行核实。`, en: (p) => `The profile is dated ${p['profileDate'] ?? ''}, after the application: the bank checks it.` },
  'profile-missing': PROFILE_MISSING,
  'renewal-count-below-maximum': { 'zh-CN': (p) => `本次为第 ${p['renewalNumber'] ?? ''} 次续贷（上限 ${p['maximum'] ?? ''} 次）。`, en: (p) => `This would be renewal ${p['renewalNumber'] ?? ''} of ${p['maximum'] ?? ''}.` },
  'renewal-count-at-maximum': { 'zh-CN': (p) => `已连续续贷 ${p['renewalCount'] ?? ''} 次，达到上限，需要银行审核。`, en: (p) => `Already renewed ${p['renewalCount'] ?? ''} times in a row, the maximum: the bank reviews.` },
};

export function checkName(code: string, lang: Lang): CheckName {
  return (CHECK_NAMES as Record<string, Readonly<Record<Lang, CheckName>> | undefined>)[code]?.[lang] ?? { name: code, meaning: '' };
}

/** The reason's text with its figures filled in; undefined for a reason this build does not know. */
export function reasonText(reason: string, params: Params, lang: Lang): string | undefined {
  return (REASON_TEXTS as Record<string, Readonly<Record<Lang, Text>> | undefined>)[reason]?.[lang](params);
}
