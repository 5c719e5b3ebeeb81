/**
 * The two web apps in a real browser (Debian's Chromium, headless) against the real local
 * server and demo data: the flows of issue 12, axe-core on every page, and keyboard reach.
 * One browser for the file; each flow leaves a screenshot in test-artifacts/web/.
 *
 * Demo data (local/seed.ts), on the demo business date 2026-12-10:
 *   BOR-DEMO-002 / FAC-DEMO-002: 300 000.00 drawn 2026-11-21, matures 2027-01-05 → renews at once;
 *   BOR-DEMO-003 / FAC-DEMO-003: tax rating C, use of funds unverified, profile of 2026-06-30 → REFERRED for three reasons.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../web/build.ts';
import { CHECK_NAMES, REASON_TEXTS, type Params } from '../../web/src/shared/checks.ts';
import { siteHandler } from '../../local/site.ts';
import { seedDemo, WEB_DEMO } from '../../local/seed.ts';
import { startE2e, type E2e } from '../e2e/support.ts';
import { chromiumAvailable, expectAccessible, expectKeyboardReachable, launchChromium, screenshot } from './browser.ts';

const DAY = WEB_DEMO.businessDate;

/** Each flow drives several pages in a real browser; on a shared 2-core machine that is tens of seconds. */
const FLOW_TIMEOUT_MS = 120_000;
/** How long a page may take to show what it loads (expect.poll's own default is one second). */
const SHOWN = { timeout: 20_000 } as const;

describe.skipIf(!chromiumAvailable())('web apps in Chromium', { timeout: FLOW_TIMEOUT_MS }, () => {
  let e2e: E2e;
  let browser: Browser;
  let context: BrowserContext;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
    await buildWeb(dist);
    const demo = { borrowers: WEB_DEMO.borrowers.map(({ id, name }) => ({ id, name })), opsUsers: WEB_DEMO.opsUsers, businessDate: DAY };
    e2e = await startE2e('web', { fallback: siteHandler(demo, dist) });
    await seedDemo();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
    rmSync(dist, { recursive: true, force: true });
    expect(e2e?.serverErrors ?? []).toEqual([]);
  });

  /** A fresh browser context (empty storage) on a phone-sized or desktop viewport. */
  async function open(path: string, viewport: 'phone' | 'desktop'): Promise<Page> {
    await context?.close();
    context = await browser.newContext({ viewport: viewport === 'phone' ? { width: 390, height: 844 } : { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${e2e.url}${path}`);
    return page;
  }

  async function smeSignIn(borrowerId: string): Promise<Page> {
    const page = await open('/', 'phone');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expectAccessible(page, 'SME sign-in');
    await expectKeyboardReachable(page, 'SME sign-in');
    await page.getByRole('radio', { name: new RegExp(borrowerId) }).check();
    await expect.poll(() => page.getByLabel('业务日期（留空为今天）').inputValue(), SHOWN).toBe(DAY);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '我的额度' }).waitFor();
    return page;
  }

  async function opsSignIn(): Promise<Page> {
    const page = await open('/ops/', 'desktop');
    await page.getByRole('heading', { name: '员工登录' }).waitFor();
    await expectAccessible(page, 'console sign-in');
    await expectKeyboardReachable(page, 'console sign-in');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '续贷审核队列' }).waitFor();
    return page;
  }

  it('an SME previews a REFERRED renewal, reads every reason in Chinese, and applies', async () => {
    const page = await smeSignIn('BOR-DEMO-003');
    const card = page.getByTestId('line-FAC-DEMO-003');
    // 800 000.00 drawn on 2026-11-21 at 3.00% + 60 bp = 3.60%, ACT/360: a repayment on 12-10 pays
    // 19 days (11-21 … 12-09): 80 000 000 fen × 19 × 36 000 / 360 000 000 = 152 000 fen = 1 520.00.
    await expect.poll(() => card.getByTestId('payable-today').innerText(), SHOWN).toBe('¥801,520.00');
    await expect.poll(() => card.getByTestId('available').innerText(), SHOWN).toBe('¥2,200,000.00');
    // Next settlement 12-20: 30 days (11-21 … 12-20) × 80 000 000 × 36 000 / 360 000 000 = 240 000 fen.
    await expect.poll(() => card.getByTestId('next-settlement-amount').innerText(), SHOWN).toBe('¥2,400.00');
    await expect.poll(() => card.getByTestId('next-settlement-date').innerText(), SHOWN).toBe('2026年12月20日');
    await expectAccessible(page, 'SME lines');
    await expectKeyboardReachable(page, 'SME lines');

    await card.getByRole('link', { name: '查看续贷条件' }).click();
    await page.getByTestId('decision').waitFor();
    expect(await page.getByTestId('decision').getAttribute('data-decision')).toBe('REFERRED');
    expect(await page.getByTestId('decision').innerText()).toBe('需要银行审核');
    // The reasons and their figures as the API gives them (a preview writes nothing).
    const preview = await e2e.asSme('BOR-DEMO-003', DAY).post('/v1/me/facilities/FAC-DEMO-003/renewal-checks');
    const referred = (preview.body.checks as { code: string; outcome: string; reason: keyof typeof REASON_TEXTS; params: Params }[]).filter((c) => c.outcome !== 'PASS');
    expect(referred.map((c) => [c.code, c.reason])).toEqual([
      ['tax-rating', 'tax-rating-c'],
      ['funds-use', 'funds-use-unknown'],
      ['profile-freshness', 'profile-stale'],
    ]);
    for (const { code, reason, params } of referred) {
      const check = page.getByTestId(`check-${code}`);
      expect(await check.getAttribute('data-outcome'), code).toBe('REFER');
      const text = await check.innerText();
      const name = CHECK_NAMES[code as keyof typeof CHECK_NAMES]['zh-CN'];
      expect(text, code).toContain(name.name);
      expect(text, code).toContain(name.meaning);
      expect(text, code).toContain(REASON_TEXTS[reason]['zh-CN'](params));
      expect(text, code).toContain('需银行审核');
    }
    expect(await page.getByTestId('check-profile-freshness').innerText()).toContain('客户资料于 2026-06-30 核实，已超过 90 天');
    expect(await page.locator('[data-outcome=REFER]').count()).toBe(3);
    expect(await page.locator('[data-outcome=REJECT]').count()).toBe(0);
    await expectAccessible(page, 'SME renewal preview');
    await expectKeyboardReachable(page, 'SME renewal preview');
    await screenshot(page, 'sme-renewal-referred');

    await page.getByRole('button', { name: '申请续贷' }).click();
    const result = page.getByTestId('apply-result');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('REFERRED');
    expect(await result.innerText()).toContain('银行将在原到期日 2027年1月8日 前作出决定');
    await screenshot(page, 'sme-renewal-applied');
  });

  it('operations approve it in the console, seeing the checks that referred it and the facts', async () => {
    const page = await opsSignIn();
    const queue = page.getByTestId('queue');
    await queue.waitFor();
    expect(await queue.innerText()).toContain('FAC-DEMO-003');
    await expectAccessible(page, 'console review queue');
    await page.getByRole('button', { name: '审核 FAC-DEMO-003' }).click();
    const review = page.getByTestId('review');
    await expect.poll(() => review.getByTestId('referred-checks').locator('li').count(), SHOWN).toBe(3);
    expect(await review.getByTestId('referred-checks').innerText()).toContain('纳税信用等级');
    // Each reason in the officer's language, as the SME reads it (web/src/shared/checks.ts), not the API's English.
    expect(await review.getByTestId('referred-checks').innerText()).toContain('纳税信用等级为 C 级');
    expect(await queue.innerText()).toContain('纳税信用等级、贷款用途、客户资料时效');
    await expect.poll(() => review.getByTestId('facts').innerText(), SHOWN).toContain('¥800,000.00');
    await expectAccessible(page, 'console review');
    await expectKeyboardReachable(page, 'console review');
    // A decision needs a note, as the API does.
    await review.getByRole('button', { name: '批准' }).click();
    expect(await review.getByRole('alert').innerText()).toContain('请填写审核意见');
    await review.getByLabel('审核意见（必填，最多 500 字）').fill('中型企业，经营稳定，资料已补充，同意续贷。');
    // The history names the automatic checks in words, not the API's 'checks'.
    expect(await review.getByTestId('history').innerText()).toContain('系统自动检查');
    await review.getByRole('button', { name: '批准' }).click();
    await expect.poll(() => review.getByTestId('decided').innerText(), SHOWN).toBe('已处理：已批准');
    // The card's badge follows the decision (it said 待审核 until the queue reloaded).
    expect(await review.locator('h3').innerText()).toContain('已批准');
    expect(await review.locator('h3').innerText()).not.toContain('待审核');
    await screenshot(page, 'ops-renewal-approved');
  });

  it('the SME then sees the new terms', async () => {
    const page = await smeSignIn('BOR-DEMO-003');
    await page.getByTestId('line-FAC-DEMO-003').getByRole('link', { name: '查看详情' }).click();
    const status = page.getByTestId('renewal-status');
    await status.waitFor();
    const text = await status.innerText();
    // Approved: the new contract takes effect at the old maturity (2027-01-08), for 12 months.
    expect(text).toContain('续贷已批准');
    expect(await status.getByTestId('contract-maturity').innerText()).toBe('2028年1月8日');
    expect(await status.getByTestId('contract-rate').innerText()).toMatch(/^\d+\.\d{2,4}%$/);
    expect(text).toContain('自原到期日 2027年1月8日 起生效');
    await expectAccessible(page, 'SME line');
    await screenshot(page, 'sme-renewed-after-review');
  });

  it('an SME whose renewal is APPROVED at once sees the new maturity and rate', async () => {
    const page = await smeSignIn('BOR-DEMO-002');
    await page.getByTestId('line-FAC-DEMO-002').getByRole('link', { name: '查看续贷条件' }).click();
    await page.getByTestId('decision').waitFor();
    expect(await page.getByTestId('decision').getAttribute('data-decision')).toBe('APPROVED');
    expect(await page.locator('[data-outcome=PASS]').count()).toBe(await page.locator('.check').count());
    const proposedRate = await page.getByTestId('proposed-rate').innerText();
    await page.getByRole('button', { name: '申请续贷' }).click();
    const result = page.getByTestId('apply-result');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('APPROVED');
    expect(await result.getByTestId('new-maturity').innerText()).toBe('2028年1月5日');
    expect(await result.getByTestId('new-rate').innerText()).toBe(proposedRate);
    expect(proposedRate).toMatch(/^\d+\.\d{2,4}%$/);
    await screenshot(page, 'sme-renewal-approved');
    await page.getByRole('link', { name: '查看详情' }).click();
    // Until the old maturity the line itself is unchanged; its renewal contract shows the new terms.
    await expect.poll(() => page.getByTestId('contract-maturity').innerText(), SHOWN).toBe('2028年1月5日');
    expect(await page.getByTestId('contract-rate').innerText()).toBe(proposedRate);
    expect(await page.getByTestId('maturity').first().innerText()).toBe('2027年1月5日');
  });

  it('the statement chart draws one point per day of the statement', async () => {
    const page = await smeSignIn('BOR-DEMO-002');
    await page.getByTestId('line-FAC-DEMO-002').getByRole('link', { name: '查看详情' }).click();
    const chart = page.getByTestId('statement-chart');
    await chart.locator('canvas').waitFor();
    // 30 days: 2026-11-11 … 2026-12-10.
    expect(await chart.getAttribute('data-points')).toBe('30');
    const activity = await page.getByTestId('activity').innerText();
    expect(activity).toContain('借款');
    expect(activity).toContain('¥300,000.00');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Statement' }).waitFor();
    await expectAccessible(page, 'SME line (English)');
    await expectKeyboardReachable(page, 'SME line');
    await screenshot(page, 'sme-statement');
  });

  it('the report page shows the day’s figures after end of day runs', async () => {
    const page = await opsSignIn();
    await page.getByRole('link', { name: '日终与报表' }).click();
    await page.getByLabel('业务日期', { exact: true }).fill('2026-12-09');
    await page.getByRole('button', { name: '运行日终' }).click();
    // End of day pages 16 shards: on a loaded machine that takes a while, so wait for its answer as long as a test may.
    await expect.poll(() => page.getByTestId('eod-done').innerText(), { timeout: 60_000 }).toMatch(/^2026年12月9日 日终完成：处理 3 个额度/);
    const report = page.getByTestId('report');
    expect(await report.getAttribute('data-date')).toBe('2026-12-09');
    expect(await page.getByTestId('fig-facilities').innerText()).toBe('3');
    // 1 000 000.00 (FAC-DEMO-001) + 300 000.00 + 800 000.00.
    expect(await page.getByTestId('fig-principal').innerText()).toBe('¥2,100,000.00');
    expect(await page.getByTestId('class-bars').locator('li').count()).toBe(5);
    await page.getByTestId('trend-chart').locator('canvas').waitFor();
    const download = page.waitForEvent('download');
    await page.getByTestId('csv').click();
    const csv = await (await download).createReadStream();
    let text = '';
    for await (const chunk of csv) text += String(chunk);
    expect(text).toContain('贷款余额,Principal outstanding,2100000.00');
    await expectAccessible(page, 'console end of day');
    await expectKeyboardReachable(page, 'console end of day');
    await screenshot(page, 'ops-report');
  });

  it('LPR list and publishing, and a borrower profile edited with the API’s validation', async () => {
    const page = await opsSignIn();
    await page.getByRole('link', { name: 'LPR 报价' }).click();
    await expect.poll(() => page.getByTestId('lpr-list').locator('tbody tr').count(), SHOWN).toBe(3);
    await page.getByLabel('报价日').fill('2026-11-20');
    await page.getByLabel('1 年期（%）').fill('2.93');
    await page.getByLabel('5 年期以上（%）').fill('3.40');
    await page.getByRole('button', { name: '发布' }).click();
    expect(await page.getByTestId('issues').innerText()).toContain('oneYear: must be a positive rate in multiples of 0.05 percentage points');
    await page.getByLabel('1 年期（%）').fill('2.95');
    await page.getByRole('button', { name: '发布' }).click();
    await expect.poll(() => page.getByTestId('lpr-list').locator('tbody tr').first().innerText(), SHOWN).toContain('2026-11-20');
    await expectAccessible(page, 'console LPR');
    await expectKeyboardReachable(page, 'console LPR');

    await page.getByRole('link', { name: '客户资料' }).click();
    await page.getByLabel('客户编号').fill('BOR-DEMO-003');
    await page.getByRole('button', { name: '查找' }).click();
    const form = page.getByTestId('profile-form');
    await expect.poll(() => form.getByLabel('资料日期').inputValue(), SHOWN).toBe('2026-06-30');
    await form.getByLabel('存款余额（元）').fill('12.345');
    await form.getByRole('button', { name: '保存' }).click();
    expect(await form.getByTestId('issues').innerText()).toContain('relationship.depositBalance');
    await form.getByLabel('存款余额（元）').fill('600000.00');
    await form.getByLabel('资料日期').fill('2026-12-09');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => form.getByRole('status').innerText(), SHOWN).toMatch(/^已保存（版本 \d+）。$/);
    await expectAccessible(page, 'console borrowers');
    await expectKeyboardReachable(page, 'console borrowers');
    await screenshot(page, 'ops-borrower');
  });
});
