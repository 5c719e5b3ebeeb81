/**
 * `npm run memory [-- --batches 4]`: the local server's memory per write, measured in process
 * so that it counts writes, not seconds (docs/reliability.md). Starts the embedded store on a
 * temporary DATA_DIR and the local server in this process, sends batches of 1 600 writes (16
 * facilities, each a drawdown then its repayment, 50 times), and after each batch forces a full
 * GC and prints RSS and the V8 heap in use. The heap after GC is what the process keeps; RSS
 * also holds the pages V8 and LevelDB have not returned. Run with `--expose-gc` (the npm script
 * does). Exits non-zero when RSS grows by 5 MB or more per 1 000 writes after the first batch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rssSlope } from './load.ts';
import { send, setUpFacilities } from './workload.ts';

const FACILITIES = 16;
const PAIRS_PER_FACILITY_PER_BATCH = 50;
export const RSS_TARGET_MB_PER_1000_WRITES = 5;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { batches: { type: 'string' } } });
  const batches = Number(values.batches ?? 4);
  if (!Number.isInteger(batches) || batches < 2 || batches > 100) throw new Error('--batches must be 2 … 100');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run memory does)');
  const dataDir = await mkdtemp(join(tmpdir(), 'memory-'));
  process.env['LOCAL_DEV'] = '1';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'ERROR';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  process.env['DATA_DIR'] = dataDir;
  // After the environment is set: the store and the handlers read it when loaded.
  const { startLocalStore } = await import('../local/store.ts');
  const { startServer } = await import('../local/server.ts');
  const { routes } = await import('../functions/routes.ts');
  const store = await startLocalStore();
  const server = await startServer({ routes, port: 0 });
  try {
    const facilityIds = Array.from({ length: FACILITIES }, (_, i) => `FAC-MEM-${String(i + 1).padStart(2, '0')}`);
    await setUpFacilities(server.url, facilityIds);
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const samples: { writes: number; rssBytes: number }[] = [];
    let n = 0;
    for (let batch = 1; batch <= batches; batch++) {
      await Promise.all(
        facilityIds.map(async (facilityId) => {
          for (let i = 0; i < PAIRS_PER_FACILITY_PER_BATCH; i++) {
            const k = n++;
            const amountFen = 100_00 + (k % 5_000);
            for (const kind of ['drawdown', 'repayment'] as const) {
              const answer = await send(server.url, { facilityId, kind, key: `mem-${k}-${kind}`, amountFen });
              if (answer === null || answer.status >= 300) throw new Error(`mem-${k}-${kind} answered ${answer?.status ?? 'nothing'}`);
            }
          }
        }),
      );
      gc();
      gc();
      const memory = process.memoryUsage();
      samples.push({ writes: n * 2, rssBytes: memory.rss });
      console.log(`after ${n * 2} writes: RSS ${mb(memory.rss)} MB, heap used ${mb(memory.heapUsed)} MB (of ${mb(memory.heapTotal)} MB), external ${mb(memory.external)} MB`);
    }
    const perThousand = (rssSlope(samples.slice(1)) * 1_000) / 2 ** 20;
    console.log(`RSS after the first batch: ${perThousand.toFixed(2)} MB per 1 000 writes (target < ${RSS_TARGET_MB_PER_1000_WRITES})`);
    if (perThousand >= RSS_TARGET_MB_PER_1000_WRITES) process.exitCode = 1;
  } finally {
    await server.close();
    await store.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
