/**
 * `npm start`: the whole API on http://127.0.0.1:$PORT (default 3000), with the real handlers.
 * Call it as a channel with `x-dev-principal: channel:<id>` (or sme:<borrowerId>, ops:<id>)
 * and travel in time with `x-dev-business-date: YYYY-MM-DD`.
 */
import { optionalEnv } from '#config/env.ts';
import { LOCAL_DEV_ENV } from '#http/auth.ts';
import { routes } from '../functions/routes.ts';
import { seedDemo } from './seed.ts';
import { DEFAULT_PORT, startServer } from './server.ts';
import { startLocalStore } from './store.ts';

// Before any handler is imported: handlers read their environment at init.
process.env[LOCAL_DEV_ENV] = '1';

const port = Number(optionalEnv('PORT', String(DEFAULT_PORT)));
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, not ${process.env['PORT']}`);

const store = await startLocalStore();
await seedDemo();
const server = await startServer({ routes, port });
console.log(`[local] API on ${server.url} — try ${server.url}/openapi.json`);

const shutdown = async () => {
  await server.close();
  await store.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
