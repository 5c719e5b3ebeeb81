/**
 * `npm start`: the whole API on http://127.0.0.1:$PORT (default 3000), with the real handlers.
 * Call it as a channel with `x-dev-principal: channel:<id>` (or sme:<borrowerId>, ops:<id>)
 * and travel in time with `x-dev-business-date: YYYY-MM-DD`.
 */
import { LOCAL_DEV_ENV, optionalEnv, PORT_ENV } from '#config/env.ts';
import { routes } from '../functions/routes.ts';
import { buildWeb } from '../web/build.ts';
import { docsPages } from './docs.ts';
import { DEMO, seedDemo, WEB_DEMO } from './seed.ts';
import { DEFAULT_PORT, startServer } from './server.ts';
import { siteHandler } from './site.ts';
import { startLocalStore } from './store.ts';

// Before any handler is imported: handlers read their environment at init.
process.env[LOCAL_DEV_ENV] = '1';

const port = Number(optionalEnv(PORT_ENV, String(DEFAULT_PORT)));
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, not ${process.env[PORT_ENV]}`);

const store = await startLocalStore();
await seedDemo();
const sizes = await buildWeb();
const site = siteHandler({ borrowers: WEB_DEMO.borrowers.map(({ id, name }) => ({ id, name })), opsUsers: WEB_DEMO.opsUsers, businessDate: WEB_DEMO.businessDate });
const server = await startServer({ routes, port, pages: docsPages(), fallback: site });
const u = server.url;
console.log(`[local] API on ${u}  (API reference: ${u}/docs, OpenAPI: ${u}/openapi.json)
[local] SME app on ${u}/  ·  operations console on ${u}/ops/   (JS ${kb(sizes.sme.jsGzipBytes)} and ${kb(sizes.ops.jsGzipBytes)} gzipped)

Try it (x-dev-principal stands in for SigV4/Cognito, x-dev-business-date moves the business date):
  curl -s ${u}/v1/facilities/${DEMO.facilityId} -H 'x-dev-principal: ${DEMO.channel}'          # NORMAL today, interest paid monthly
  curl -s -X POST ${u}/v1/facilities/${DEMO.facilityId}/repayments -H 'x-dev-principal: ${DEMO.channel}' \\
       -H 'content-type: application/json' -H 'Idempotency-Key: demo-r1' -d '{"amount":"100.00"}'
  curl -s ${u}/v1/me/facilities -H 'x-dev-principal: sme:${DEMO.borrowerId}'
  curl -s -X POST ${u}/v1/me/facilities/${DEMO.facilityId}/renewal-checks -H 'x-dev-principal: sme:${DEMO.borrowerId}' -H 'x-dev-business-date: 2026-12-10'
  npm run call -- GET /v1/facilities/${DEMO.facilityId} --url ${u}                               # the same, signed when --url is a deployed stage
Reset the local store: stop this, then rm -rf ${store.dataDir} (the demo data is seeded again).
`);

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

const shutdown = async () => {
  await server.close();
  await store.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
