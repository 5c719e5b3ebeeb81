/**
 * POST /v1/ops/eod/{date} on `npm start` (LOCAL_DEV=1) takes a book past the deployed function's
 * bound (MAX_OPS_EOD_FACILITIES, 1 000: 422 eod-book-too-large in AWS, test/app/eod-rerun.test.ts):
 * the local server runs the handler in-process with no time limit, and there is no state machine
 * to hand the book to, so the ops console's "run end of day" must work on a large local book.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppDeps } from '#app/deps.ts';
import { openFacility } from '#app/facilities.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { systemRuntime } from '#ledger/runtime.ts';
import { startE2e, uniqueId, type E2e } from './support.ts';

/** One more than the deployed bound. */
const FACILITIES = 1_001;

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e('eod-local-book');
  // Opened through the use-case straight on the suite's table: 1 001 HTTP round trips would add nothing here.
  const deps = createAppDeps({ store: e2e.store, runtime: systemRuntime, product: DEFAULT_PRODUCT });
  const ids = Array.from({ length: FACILITIES }, () => uniqueId('BOOK'));
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(
      ids.slice(i, i + 25).map((facilityId) =>
        openFacility(deps, { date: '2026-02-01', actor: 'channel:test' }, { facilityId, borrowerId: uniqueId('B'), limitFen: 1_000_00, effectiveDate: '2026-02-01', maturityDate: '2027-01-31', spreadBp: 45 }),
      ),
    );
  }
}, 120_000);

afterAll(async () => {
  await e2e?.close();
});

describe('end of day by hand on a local book larger than the deployed bound', () => {
  it('runs every facility and answers 200 with the report', { timeout: 120_000 }, async () => {
    const r = await e2e.asOps('2026-02-11').post('/v1/ops/eod/2026-02-10', undefined, { key: null });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ date: '2026-02-10', processed: FACILITIES, failures: 0, portfolio: { facilities: FACILITIES } });
    expect(e2e.serverErrors).toEqual([]);
  });
});
