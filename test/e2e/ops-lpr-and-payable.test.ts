/**
 * Two reads the web apps need: the list of LPR fixings (GET /v1/ops/lpr) and `payableToday`
 * beside `payoffAmount` on a facility (DESIGN §10: "as of D" includes day D's interest; a
 * repayment on D pays interest through D − 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, uniqueId, type E2e } from './support.ts';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e('lpr-payable');
  await e2e.publishLpr('2024-10-21', '3.10', '3.60');
  await e2e.publishLpr('2025-05-20', '3.00', '3.50');
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? []).toEqual([]);
});

describe('GET /v1/ops/lpr', () => {
  it('lists the fixings most recent first, as percent strings', async () => {
    const r = await e2e.asOps().get('/v1/ops/lpr');
    expect(r.status, r.text).toBe(200);
    expect(r.body.items).toEqual([
      { date: '2025-05-20', oneYear: '3.0000', fiveYear: '3.5000' },
      { date: '2024-10-21', oneYear: '3.1000', fiveYear: '3.6000' },
    ]);
  });

  it('shows a fixing published a moment ago, and honours limit', async () => {
    await e2e.publishLpr('2026-06-22', '2.95', '3.45');
    const r = await e2e.asOps().get('/v1/ops/lpr', { query: { limit: '1' } });
    expect(r.body.items).toEqual([{ date: '2026-06-22', oneYear: '2.9500', fiveYear: '3.4500' }]);
  });

  it('refuses a limit outside 1..100 with validation-failed', async () => {
    const r = await e2e.asOps().get('/v1/ops/lpr', { query: { limit: '0' } });
    expect([r.status, r.body.code]).toEqual([400, 'validation-failed']);
  });
});

describe('payableToday vs payoffAmount', () => {
  it('1 000 000.00 drawn 2026-01-05 at 3.45%: on 01-12 a repayment may pay 7 days of interest; as of the end of 01-12, 8 days are owed', async () => {
    const facilityId = uniqueId('F');
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId, { profileDate: '2026-01-02' });
    await e2e.openFacility(facilityId, { borrowerId, limit: '2000000.00', effectiveDate: '2026-01-02', maturityDate: '2027-01-02', pricing: { spreadBp: 45 } }, '2026-01-02');
    const channel = e2e.asChannel('2026-01-05');
    expect((await channel.post(`/v1/facilities/${facilityId}/drawdowns`, { amount: '1000000.00' })).status).toBe(201);

    const view = await e2e.asChannel('2026-01-12').get(`/v1/facilities/${facilityId}`);
    // 7 days: 100 000 000 fen × 7 × 34 500 / 360 000 000 = 67 083.33 fen → 670.83 yuan
    // 8 days: 100 000 000 fen × 8 × 34 500 / 360 000 000 = 76 666.67 fen → 766.67 yuan
    expect(view.body).toMatchObject({ asOf: '2026-01-12', payableToday: '1000670.83', payoffAmount: '1000766.67' });
    const mine = await e2e.asSme(borrowerId, '2026-01-12').get(`/v1/me/facilities/${facilityId}`);
    expect(mine.body).toMatchObject({ payableToday: '1000670.83', payoffAmount: '1000766.67' });

    // payableToday is exactly the ceiling of a repayment that day: one fen more is an overpayment.
    const over = await e2e.asChannel('2026-01-12').post(`/v1/facilities/${facilityId}/repayments`, { amount: '1000670.84' });
    expect([over.status, over.body.code]).toEqual([422, 'overpayment']);
    const all = await e2e.asChannel('2026-01-12').post(`/v1/facilities/${facilityId}/repayments`, { amount: '1000670.83' });
    expect(all.status, all.text).toBe(201);
    expect(all.body.facility).toMatchObject({ principalOutstanding: '0.00', payableToday: '0.00', payoffAmount: '0.00' });
  });
});

describe('problem documents in Chinese (Accept-Language: zh-CN)', () => {
  it('the same code and status, a Chinese detail and Content-Language; English without the header', async () => {
    const facilityId = uniqueId('F');
    const zh = await e2e.asChannel().get(`/v1/facilities/${facilityId}`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(zh.status).toBe(404);
    expect(zh.contentType).toBe('application/problem+json');
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(zh.body).toMatchObject({ code: 'not-found', status: 404, title: '未找到', detail: '未找到所请求的内容，请确认编号是否正确。' });
    const en = await e2e.asChannel().get(`/v1/facilities/${facilityId}`);
    expect(en.body).toMatchObject({ code: 'not-found', status: 404, detail: `facility ${facilityId} not found` });
    expect(en.headers.get('content-language')).toBeNull();
  });

  it('a refused write in Chinese writes nothing either', async () => {
    const before = await e2e.snapshot();
    const r = await e2e.asChannel().put(`/v1/facilities/${uniqueId('F')}`, { limit: '1.234' }, { headers: { 'accept-language': 'zh-CN' } });
    expect([r.status, r.body.code]).toEqual([400, 'validation-failed']);
    expect(r.body.detail).toMatch(/^请求中的内容不符合要求/);
    expect(await e2e.snapshot()).toBe(before);
  });
});
