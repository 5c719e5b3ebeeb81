/**
 * Chinese problem details (简体中文), for callers whose request says `Accept-Language: zh-CN`
 * (the SME app and the operations console do). Only `detail` (and `title`) are translated:
 * `code`, `type` and `status` never change with the language, so clients keep branching on
 * `code`. Keyed by the stable code; a Record over ProblemCode, so a new code does not compile
 * until it has its Chinese text.
 */
import type { FieldIssue } from '#domain/errors.ts';
import type { Problem, ProblemCode } from './problem.ts';

export const ZH_CN = 'zh-CN';

export const PROBLEM_DETAIL_ZH: Readonly<Record<ProblemCode, { readonly title: string; readonly detail: string }>> = {
  'validation-failed': { title: '请求不符合要求', detail: '请求中的内容不符合要求，请检查后重试。' },
  'idempotency-key-missing': { title: '缺少幂等键', detail: '此操作需要 Idempotency-Key 请求头，以免重复提交。' },
  unauthenticated: { title: '未登录', detail: '请先登录后再操作。' },
  forbidden: { title: '无权操作', detail: '您没有执行此操作的权限。' },
  'not-found': { title: '未找到', detail: '未找到所请求的内容，请确认编号是否正确。' },
  'method-not-allowed': { title: '不支持的请求方法', detail: '此地址不支持该请求方法。' },
  'payload-too-large': { title: '请求内容过大', detail: '请求内容超过了允许的大小。' },
  'unsupported-media-type': { title: '不支持的内容类型', detail: '请求内容须为 JSON（Content-Type: application/json）。' },
  'concurrent-modification': { title: '操作冲突', detail: '该额度正被其他操作同时修改，请稍后使用同一幂等键重试。' },
  'facility-exists': { title: '额度已存在', detail: '该额度编号已用于另一份不同的合同。' },
  'idempotency-key-reused': { title: '幂等键已被使用', detail: '该幂等键已用于另一笔不同的请求，请为新请求使用新的幂等键。' },
  'insufficient-available-limit': { title: '可用额度不足', detail: '本次借款金额超过了可用额度。' },
  'facility-frozen': { title: '额度已冻结', detail: '该额度已被冻结，暂不能借款；还款不受影响。' },
  'facility-not-active': { title: '额度不可用', detail: '该额度当前状态不允许此操作。' },
  'facility-in-arrears': { title: '存在欠款', detail: '该额度存在逾期本金或利息（欠贷欠息），请先归还后再操作。' },
  'facility-non-performing': { title: '额度暂停借款', detail: '该额度已划为不良或转入表外核算，在观察期结束、恢复正常之前不能新增借款；还款不受影响。' },
  'facility-closed': { title: '额度已关闭', detail: '该额度已关闭。' },
  overpayment: { title: '还款金额超出应还', detail: '还款金额超过了今日全部应还金额，请按“今日应还”金额还款。' },
  'below-minimum-drawdown': { title: '低于最低借款金额', detail: '借款金额低于产品规定的最低借款金额。' },
  'outside-facility-term': { title: '超出额度期限', detail: '该日期不在额度的有效期内。' },
  'term-too-long': { title: '借款期限过长', detail: '借款期限超过了产品允许的最长期限或额度到期日。' },
  'too-many-open-drawdowns': { title: '未结清借据过多', detail: '未结清的借据数量已达上限，请先归还部分借款。' },
  'limit-below-outstanding': { title: '额度低于未还本金', detail: '新额度不能低于当前未还本金。' },
  'outstanding-balance': { title: '尚有未还款项', detail: '该额度仍有未还款项，结清后才能关闭。' },
  'date-before-last-event': { title: '日期过早', detail: '所查询的日期早于可查询的范围，请查看对账单了解历史情况。' },
  'lpr-not-found': { title: '缺少 LPR 报价', detail: '该日期之前尚未发布贷款市场报价利率（LPR）。' },
  'renewal-not-eligible': { title: '不符合续贷条件', detail: '该额度目前不符合无还本续贷条件，请查看各项检查结果。' },
  'renewal-pending': { title: '续贷申请审核中', detail: '已有一笔续贷申请正在等待银行审核，请勿重复申请。' },
  'renewal-approved': { title: '续贷已批准', detail: '已有一笔续贷已获批准，将于原到期日生效，无需再次申请。' },
  'renewal-expired': { title: '续贷申请已过期', detail: '该续贷申请在原到期日前未获决定，已过期，不能再审批。' },
  'borrower-profile-missing': { title: '缺少客户资料', detail: '银行尚未登记该客户的资料，请联系客户经理。' },
  'invalid-state': { title: '状态不允许', detail: '当前状态不允许此操作。' },
  'eod-date-in-future': { title: '日期尚未到来', detail: '日终处理只能针对当前业务日期或之前的日期运行。' },
  'eod-book-too-large': { title: '账簿过大', detail: '贷款笔数超过单次请求可处理的上限，请通过日终状态机运行该日期的日终处理。' },
  'too-many-requests': { title: '请求过于频繁', detail: '请求过于频繁，请稍后再试。' },
  'service-unavailable': { title: '服务暂时不可用', detail: '服务暂时不可用，可以安全地重试；重试命令时请使用同一幂等键。' },
  'gateway-timeout': { title: '处理超时', detail: '请求处理超时，可以安全地重试；重试命令时请使用同一幂等键。' },
  'internal-error': { title: '系统错误', detail: '请求未能完成。反馈问题时请提供响应中的 x-amzn-RequestId。' },
};

/** Accept-Language entries beyond this many are ignored (a fuzzed header must not cost much). */
const MAX_LANGUAGE_RANGES = 20;

/**
 * Whether the caller prefers Chinese over English: the highest-weighted of the ranges `zh*`
 * and `en*` (RFC 9110 §12.5.4 q-values; `*` counts as English, the API's own language).
 */
export function prefersChinese(acceptLanguage: string | undefined): boolean {
  if (acceptLanguage === undefined) return false;
  let zh = 0;
  let en = 0;
  for (const range of acceptLanguage.split(',').slice(0, MAX_LANGUAGE_RANGES)) {
    const [tag = '', ...params] = range.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    if (tag === 'zh' || tag.startsWith('zh-')) zh = Math.max(zh, weight);
    else if (tag === 'en' || tag.startsWith('en-') || tag === '*') en = Math.max(en, weight);
  }
  return zh > 0 && zh >= en;
}

/** The same problem with its title and detail in Chinese; field paths of a validation problem are named in the detail. */
export function localizeProblem(problem: Problem): Problem {
  const zh = PROBLEM_DETAIL_ZH[problem.code];
  const fields = problem.errors?.map((issue: FieldIssue) => issue.path).filter((path) => path !== '') ?? [];
  const detail = fields.length === 0 ? zh.detail : `${zh.detail}（有问题的字段：${fields.join('、')}）`;
  return { ...problem, title: zh.title, detail };
}
