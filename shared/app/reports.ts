/**
 * Reporting use-cases (docs/reporting.md): the portfolio report of a date with its policy figures,
 * the month and year policy reports, their CSV form, and the general-ledger extract (trial balance
 * and the postings of a date). Everything here reads what end of day keeps, or the journal; nothing
 * writes.
 */
import { stringify } from 'csv-stringify/sync';
import type { output } from 'zod/v4/core';
import type { PolicyPeriodReport as PolicyPeriodReportSchema, PostingsPage as PostingsPageSchema, TrialBalanceView as TrialBalanceViewSchema } from '#api/reports.ts';
import { isBusinessDate, monthEndOf, toDay, fromDay } from '#domain/calendar.ts';
import { DomainError, ValidationError } from '#domain/errors.ts';
import { formatYuan } from '#domain/money.ts';
import { ACCOUNTS } from '#domain/postings.ts';
import type { PolicyFigures } from '#domain/policy.ts';
import type { FacilityState } from '#domain/state.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type EodReport, type JournalEvent } from '#ledger/journal.ts';
import { EOD_SHARD_PARTITIONS, SHARDS_PER_PARTITION } from '#ledger/schema.ts';
import type { AppDeps } from './deps.ts';
import { loadEodReport } from './eod.ts';
import { eodReportView, type EodReportView, type PolicyView } from './views.ts';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** True when the client asks for CSV (an exact media type in Accept, e.g. `text/csv` or `text/csv;q=1`). */
export function wantsCsv(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === 'text/csv');
}

// ---------------------------------------------------------------------------------------
// The portfolio report of a date, with the year's start beside it

/** The year's start is read from the end of 31 December of the year before. */
function yearStartBaseDate(date: string): string {
  return `${Number(date.slice(0, 4)) - 1}-12-31`;
}

async function yearStartOf(deps: AppDeps, date: string): Promise<{ baseDate: string; policy: PolicyFigures | null }> {
  const baseDate = yearStartBaseDate(date);
  const base = await deps.store.getEodReport(baseDate);
  return { baseDate, policy: base?.policy ?? null };
}

/** A report as the ops routes show it (the run's answer, GET /v1/ops/portfolio, the nightly job's output). */
export async function portfolioView(deps: AppDeps, report: EodReport): Promise<EodReportView> {
  return eodReportView(report, await yearStartOf(deps, report.date));
}

export async function loadPortfolio(deps: AppDeps, date: string): Promise<EodReportView> {
  return portfolioView(deps, await loadEodReport(deps, date));
}

/** The day's headline figures as a small table (`npm run eod`): figure in Chinese and English, then its value. */
export function headlineFigures(p: PolicyView): { 指标: string; figure: string; value: string }[] {
  const day = p.flows.day;
  const rows: [string, string, string | number | null][] = [
    ['贷款余额 / 有贷户数', 'Balance / borrowers', `${p.balance} / ${p.borrowersWithBalance}`],
    ['普惠小微贷款余额 / 户数', 'Inclusive SME balance / borrowers', `${p.inclusiveSme.balance} / ${p.inclusiveSme.borrowers}`],
    ['农户经营性贷款余额 / 户数', "Farmers' business loans / borrowers", `${p.farmer.balance} / ${p.farmer.borrowers}`],
    ['信用贷款余额 / 占比(%)', 'Credit loans / share (%)', `${p.creditLoans.balance} / ${p.creditLoans.sharePercent}`],
    ['不良贷款余额 / 不良率(%)', 'Non-performing / ratio (%)', `${p.nonPerforming.balance} / ${p.nonPerforming.ratioPercent}`],
    ['逾期贷款余额', 'Overdue balance', p.overdueBalance],
    ['当日新发放 笔数 / 金额 / 利率(%)', 'New lending today: count / amount / rate (%)', `${day.newLending.count} / ${day.newLending.amount} / ${day.newLending.weightedRatePercent}`],
    ['普惠小微当日新发放', 'Inclusive SME new lending today', `${day.inclusiveSmeNewLending.count} / ${day.inclusiveSmeNewLending.amount} / ${day.inclusiveSmeNewLending.weightedRatePercent}`],
    ['首贷户 / 未知', 'First-loan borrowers / unknown', `${day.firstLoanBorrowers} / ${day.firstLoanUnknown}`],
    ['无还本续贷 笔数 / 本金', 'Renewals: count / principal carried', `${day.renewals.count} / ${day.renewals.principalCarried}`],
    ['普惠小微较年初增速(%)', 'Inclusive SME growth since 1 January (%)', p.sinceYearStart.inclusiveSmeBalanceGrowthPercent],
  ];
  return rows.map(([zh, en, value]) => ({ 指标: zh, figure: en, value: value === null ? '—' : String(value) }));
}

// ---------------------------------------------------------------------------------------
// Month and year reports

/** End-of-day dates probed backwards for the latest report of a period that is not over (or missed its last day). */
const MAX_REPORT_PROBE_DAYS = 31;

/** A month's or a year's report (`asOf` is its last day, or the latest end of day in it). */
export type PolicyPeriodReport = output<typeof PolicyPeriodReportSchema>;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YEAR_PATTERN = /^\d{4}$/;

/** `?month=YYYY-MM` or `?year=YYYY`, exactly one. */
function parsePeriod(query: { month?: string | undefined; year?: string | undefined }): { kind: 'month' | 'year'; period: string; first: string; last: string } {
  if ((query.month === undefined) === (query.year === undefined)) throw ValidationError.of('month', 'give exactly one of month=YYYY-MM or year=YYYY');
  if (query.month !== undefined) {
    const match = MONTH_PATTERN.exec(query.month);
    const first = `${query.month}-01`;
    if (match === null || !isBusinessDate(first)) throw ValidationError.of('month', `"${query.month.slice(0, 16)}" is not a month YYYY-MM`);
    // The month's own last day: the first of the next month is past the calendar for 2199-12.
    return { kind: 'month', period: query.month, first, last: fromDay(monthEndOf(toDay(first))) };
  }
  const year = query.year!;
  if (!YEAR_PATTERN.test(year) || !isBusinessDate(`${year}-01-01`) || !isBusinessDate(`${year}-12-31`)) throw ValidationError.of('year', `"${year.slice(0, 16)}" is not a year YYYY`);
  return { kind: 'year', period: year, first: `${year}-01-01`, last: `${year}-12-31` };
}

/**
 * The period's report: the figures of its last end-of-day report, whose month-to-date (or
 * year-to-date) flows are the period's. Reads one report when the period is over, a few more when
 * it is not (probing back from today at most MAX_REPORT_PROBE_DAYS days).
 */
export async function policyPeriodReport(deps: AppDeps, query: { month?: string | undefined; year?: string | undefined }, today: string): Promise<PolicyPeriodReport> {
  const { kind, period, first, last } = parsePeriod(query);
  if (first > today) throw new DomainError('not-found', `${period} has not begun`);
  const from = last < today ? last : today;
  const stop = Math.max(toDay(first), toDay(from) - MAX_REPORT_PROBE_DAYS + 1);
  for (let day = toDay(from); day >= stop; day--) {
    const report = await deps.store.getEodReport(fromDay(day));
    if (report === null) continue;
    const view = await portfolioView(deps, report);
    return { period, asOf: report.date, complete: report.date === last, flows: kind === 'month' ? view.policy.flows.monthToDate : view.policy.flows.yearToDate, policy: view.policy };
  }
  throw new DomainError('not-found', `no end-of-day report in ${period} between ${fromDay(stop)} and ${from}`);
}

// ---------------------------------------------------------------------------------------
// CSV: one row per figure, with Chinese and English labels

/** Labels of each name in a figure's path; a row's label joins them (e.g. 本月累计 · 新发放贷款 · 金额). */
const FIGURE_LABELS: Readonly<Record<string, readonly [zh: string, en: string]>> = {
  period: ['报告期', 'Period'],
  asOf: ['数据日期', 'As of'],
  complete: ['报告期已结束', 'Period complete'],
  policy: ['期末', 'At the end'],
  borrowersWithBalance: ['有贷款余额户数', 'Borrowers with a balance'],
  balance: ['贷款余额', 'Balance'],
  inclusiveSme: ['普惠小微贷款', 'Inclusive SME loans'],
  farmer: ['农户经营性贷款', "Farmers' business loans"],
  borrowers: ['户数', 'Borrowers'],
  creditLoans: ['信用贷款', 'Credit (unsecured) loans'],
  sharePercent: ['占比(%)', 'Share (%)'],
  byClass: ['五级分类', 'Five-tier class'],
  NORMAL: ['正常', 'Normal'],
  SPECIAL_MENTION: ['关注', 'Special mention'],
  SUBSTANDARD: ['次级', 'Substandard'],
  DOUBTFUL: ['可疑', 'Doubtful'],
  LOSS: ['损失', 'Loss'],
  nonPerforming: ['不良贷款', 'Non-performing loans'],
  ratioPercent: ['不良率(%)', 'Ratio (%)'],
  overdueBalance: ['逾期贷款余额', 'Overdue balance'],
  renewedBalance: ['无还本续贷余额', 'Balance of renewed loans'],
  nonAccrual: ['非应计贷款', 'Non-accrual loans'],
  offBalanceInterest: ['表外应收利息', 'Interest off balance sheet'],
  borrowersWithoutProfile: ['无客户资料的有贷户数', 'Borrowers with a balance but no profile'],
  flows: ['发生额', 'Flows'],
  day: ['当日', 'Day'],
  monthToDate: ['本月累计', 'Month to date'],
  yearToDate: ['本年累计', 'Year to date'],
  newLending: ['新发放贷款', 'New lending'],
  inclusiveSmeNewLending: ['普惠小微新发放贷款', 'Inclusive SME new lending'],
  count: ['笔数', 'Count'],
  amount: ['金额', 'Amount'],
  weightedRatePercent: ['加权平均利率(%)', 'Weighted average rate (%)'],
  firstLoanBorrowers: ['首贷户数', 'First-loan borrowers'],
  firstLoanUnknown: ['首贷情况未知户数', 'First-loan status unknown'],
  renewals: ['无还本续贷', 'Renewals without repaying principal'],
  principalCarried: ['续贷本金', 'Principal carried'],
  sinceYearStart: ['较年初', 'Since 1 January'],
  baseDate: ['年初基准日', 'Base date'],
  inclusiveSmeBalanceGrowthPercent: ['普惠小微贷款余额增速(%)', 'Inclusive SME balance growth (%)'],
  allLoansBalanceGrowthPercent: ['各项贷款余额增速(%)', 'All-loan balance growth (%)'],
  inclusiveSmeBorrowersAtStart: ['年初普惠小微有贷户数', 'Inclusive SME borrowers at the start'],
  inclusiveSmeBorrowers: ['普惠小微有贷户数', 'Inclusive SME borrowers'],
  byBorrowerType: ['按借款人类型', 'By borrower type'],
  ENTERPRISE: ['企业', 'Enterprise'],
  INDIVIDUAL_BUSINESS: ['个体工商户', 'Individual business'],
  OWNER: ['小微企业主', 'Small-business owner'],
  FARMER: ['农户', 'Farmer'],
  byEnterpriseSize: ['按企业规模', 'By enterprise size'],
  MICRO: ['微型', 'Micro'],
  SMALL: ['小型', 'Small'],
  MEDIUM: ['中型', 'Medium'],
  LARGE: ['大型', 'Large'],
};

/** Every leaf of a figures object as [figure path, 中文, English, value], in the object's order. */
export function figureRows(value: unknown, path: string[] = []): [string, string, string, string][] {
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => figureRows(v, [...path, key]));
  const label = (i: 0 | 1) => path.map((name) => FIGURE_LABELS[name]?.[i] ?? name).join(' · ');
  return [[path.join('.'), label(0), label(1), value === null ? '' : String(value)]];
}

export function figuresCsv(value: unknown): string {
  return stringify([['figure', '指标', 'label', 'value'], ...figureRows(value)]);
}

// ---------------------------------------------------------------------------------------
// General-ledger extract

export type TrialBalanceView = output<typeof TrialBalanceViewSchema>;

/** Memo (表外) accounts are named OFF_BALANCE_*: they balance among themselves, apart from the balance sheet. */
function isOffBalanceSheet(account: string): boolean {
  return account.startsWith('OFF_BALANCE');
}

/** Every account's balance after the end of the date, summed over the book (kept by that date's end of day). */
export async function trialBalance(deps: AppDeps, date: string): Promise<TrialBalanceView> {
  const report = await loadEodReport(deps, date);
  const names = [...new Set([...ACCOUNTS, ...Object.keys(report.trialBalance)])];
  let debit = 0;
  let credit = 0;
  const accounts = names.map((account) => {
    const net = report.trialBalance[account] ?? 0;
    if (net >= 0) debit += net;
    else credit -= net;
    return { account, offBalanceSheet: isOffBalanceSheet(account), side: net >= 0 ? ('DR' as const) : ('CR' as const), balance: formatYuan(Math.abs(net)) };
  });
  return { date, accounts, totals: { debit: formatYuan(debit), credit: formatYuan(credit) } };
}

export function trialBalanceCsv(view: TrialBalanceView): string {
  return stringify([['date', 'account', 'offBalanceSheet', 'side', 'balance'], ...view.accounts.map((a) => [view.date, a.account, String(a.offBalanceSheet), a.side, a.balance])]);
}

export type PostingsPage = output<typeof PostingsPageSchema>;
type PostingRow = PostingsPage['items'][number];

/** Events read back from a facility's latest to find a date's; past this, its journal is read forwards. */
const MAX_POSTINGS_LOOKBACK_EVENTS = 20;
/** Bounds the journal read forwards for one facility (as the statement does). */
const MAX_POSTINGS_SCAN_EVENTS = 20_000;

const POSTINGS_CURSOR = /^post:(\d{1,4}):(.*)$/;

function encodePostingsCursor(shard: number, inner: string): string {
  return Buffer.from(`post:${shard}:${inner}`, 'utf8').toString('base64url');
}

function decodePostingsCursor(cursor: string): { shard: number; inner: string | undefined } {
  const bad = () => ValidationError.of('cursor', 'is not a cursor issued by this listing');
  if (!/^[A-Za-z0-9_-]{1,1500}$/.test(cursor)) throw bad();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw bad();
  const match = POSTINGS_CURSOR.exec(text);
  if (match === null || Number(match[1]) >= EOD_SHARD_PARTITIONS) throw bad();
  return { shard: Number(match[1]), inner: match[2] === '' ? undefined : match[2] };
}

/** The events of one facility dated `date` (business dates never decrease along a journal). */
async function eventsOn(deps: AppDeps, facilityId: string, date: string): Promise<JournalEvent<FacilityState>[]> {
  const latest = await deps.store.loadLatest<FacilityState>(facilityId);
  if (latest === null || latest.businessDate < date) return [];
  const found: JournalEvent<FacilityState>[] = [];
  let seq = latest.seq;
  for (let event: JournalEvent<FacilityState> | null = latest, steps = 0; event !== null && steps <= MAX_POSTINGS_LOOKBACK_EVENTS; steps++) {
    if (event.businessDate < date) return found.reverse();
    if (event.businessDate === date) found.push(event);
    seq = event.seq - 1;
    event = seq >= 1 ? await deps.store.loadEvent<FacilityState>(facilityId, seq) : null;
    if (event === null) return found.reverse();
  }
  // A long day, or a date far back: read the journal forwards to it instead.
  const out: JournalEvent<FacilityState>[] = [];
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await deps.store.listEvents(facilityId, { limit: MAX_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    for (const event of page.items) {
      if (event.businessDate > date) return out;
      if (event.businessDate === date) out.push(event as JournalEvent<FacilityState>);
    }
    read += page.items.length;
    if (read > MAX_POSTINGS_SCAN_EVENTS) throw new DomainError('invalid-state', `facility ${facilityId} has too many events for an online extract`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

/**
 * The postings of every facility's events dated `date`, a page of facilities at a time (`limit`
 * facilities, shard by shard through the end-of-day index). A page may hold no rows and still
 * have a next one.
 */
export async function postingsOn(deps: AppDeps, date: string, page: { cursor?: string | undefined; limit?: number | undefined }): Promise<PostingsPage> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  let { shard, inner } = page.cursor === undefined ? { shard: 0, inner: undefined } : decodePostingsCursor(page.cursor);
  const ids = await deps.store.listFacilitiesByShards({ from: shard * SHARDS_PER_PARTITION, to: (shard + 1) * SHARDS_PER_PARTITION }, { limit, ...(inner === undefined ? {} : { cursor: inner }) });
  const items: PostingRow[] = [];
  for (const facilityId of ids.items) {
    for (const event of await eventsOn(deps, facilityId, date)) {
      for (const p of event.postings) {
        items.push({ facilityId, seq: event.seq, eventType: event.type, businessDate: event.businessDate, recordedAt: event.recordedAt, account: p.account, side: p.side, amount: formatYuan(p.amountFen) });
      }
    }
  }
  let next: string | undefined;
  if (ids.nextCursor !== null) next = encodePostingsCursor(shard, ids.nextCursor);
  else if (shard + 1 < EOD_SHARD_PARTITIONS) next = encodePostingsCursor(shard + 1, '');
  return { date, items, ...(next === undefined ? {} : { nextCursor: next }) };
}

export function postingsCsv(page: PostingsPage): string {
  return stringify([
    ['facilityId', 'seq', 'eventType', 'businessDate', 'recordedAt', 'account', 'side', 'amount'],
    ...page.items.map((r) => [r.facilityId, String(r.seq), r.eventType, r.businessDate, r.recordedAt, r.account, r.side, r.amount]),
  ]);
}

