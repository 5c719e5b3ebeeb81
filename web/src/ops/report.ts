/**
 * The end-of-day report as the console reads it. `policy` is the reporting module's block of
 * policy figures (普惠小微, 首贷户, 信用贷款, new lending, class balances; field names fixed by
 * issue 11): optional, so the console shows what a report carries and nothing it does not.
 */
import type { EodReport } from '../shared/types.ts';

interface BalanceAndBorrowers {
  readonly balance: string;
  readonly borrowers: number;
}

interface Lending {
  readonly count: number;
  readonly amount: string;
  readonly weightedRatePercent: string;
}

interface Flows {
  readonly newLending?: Lending;
  readonly inclusiveSmeNewLending?: Lending;
  readonly firstLoanBorrowers?: number;
  readonly firstLoanUnknown?: number;
  readonly renewals?: { readonly count: number; readonly principalCarried: string };
}

interface Policy {
  readonly borrowersWithBalance?: number;
  readonly inclusiveSme?: BalanceAndBorrowers;
  readonly farmer?: BalanceAndBorrowers;
  readonly creditLoans?: { readonly balance: string; readonly sharePercent: string };
  readonly byClass?: Readonly<Record<string, BalanceAndBorrowers>>;
  readonly nonPerforming?: { readonly balance: string; readonly ratioPercent: string };
  readonly overdueBalance?: string;
  readonly flows?: { readonly day?: Flows; readonly monthToDate?: Flows; readonly yearToDate?: Flows };
}

export type Report = EodReport & { readonly policy?: Policy };

export const CLASSES = ['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS'] as const;

/** One row per figure: Chinese label, English label, value (yuan and percent strings as the API gives them). */
export function reportRows(report: Report): [string, string, string][] {
  const p = report.portfolio;
  const rows: [string, string, string][] = [
    ['业务日期', 'Business date', report.date],
    ['额度数', 'Facilities', String(p.facilities)],
    ['贷款余额', 'Principal outstanding', p.principalOutstanding],
    ['应计利息', 'Accrued interest', p.accruedInterest],
    ['应收未收利息', 'Interest due', p.interestDue],
    ['逾期本金', 'Overdue principal', p.overduePrincipal],
    ['逾期利息', 'Overdue interest', p.overdueInterest],
    ['罚息', 'Penalty interest', p.penaltyInterest],
    ['逾期率（%）', 'Overdue ratio (%)', p.overdueRatioPercent],
  ];
  for (const c of CLASSES) rows.push([`五级分类额度数 ${c}`, `Facilities classified ${c}`, String(p.byClassification[c] ?? 0)]);
  const policy = report.policy;
  if (policy !== undefined) {
    if (policy.borrowersWithBalance !== undefined) rows.push(['有贷款余额户数', 'Borrowers with a balance', String(policy.borrowersWithBalance)]);
    if (policy.inclusiveSme !== undefined) {
      rows.push(['普惠小微贷款余额', 'Inclusive SME balance', policy.inclusiveSme.balance], ['普惠小微贷款户数', 'Inclusive SME borrowers', String(policy.inclusiveSme.borrowers)]);
    }
    if (policy.farmer !== undefined) rows.push(['农户经营性贷款余额', 'Farmer business loans balance', policy.farmer.balance]);
    if (policy.creditLoans !== undefined) {
      rows.push(['信用贷款余额', 'Credit loans balance', policy.creditLoans.balance], ['信用贷款占比（%）', 'Credit loans share (%)', policy.creditLoans.sharePercent]);
    }
    for (const [c, v] of Object.entries(policy.byClass ?? {})) rows.push([`五级分类余额 ${c}`, `Balance classified ${c}`, v.balance]);
    if (policy.nonPerforming !== undefined) {
      rows.push(['不良贷款余额', 'Non-performing balance', policy.nonPerforming.balance], ['不良率（%）', 'Non-performing ratio (%)', policy.nonPerforming.ratioPercent]);
    }
    const day = policy.flows?.day;
    if (day?.newLending !== undefined) {
      rows.push(
        ['当日新发放笔数', 'New lending count (day)', String(day.newLending.count)],
        ['当日新发放金额', 'New lending amount (day)', day.newLending.amount],
        ['当日新发放加权平均利率（%）', 'New lending weighted rate (day, %)', day.newLending.weightedRatePercent],
      );
    }
    if (day?.firstLoanBorrowers !== undefined) rows.push(['当日首贷户', 'First-loan borrowers (day)', String(day.firstLoanBorrowers)]);
  }
  return rows;
}

/** RFC 4180 CSV with a BOM so spreadsheet programs read the Chinese labels as UTF-8. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `\uFEFF${[['指标', 'Figure', '数值/Value'], ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
