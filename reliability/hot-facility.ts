/**
 * `npm run hot-facility [-- --writers 64 --rounds 10]`: many concurrent writers on ONE facility
 * (docs/reliability.md). Each writer sends `rounds` commands one after the other (drawdowns and
 * repayments, alternating), all writers at once. Every request must be answered as accepted
 * (2xx), refused (4xx business rule) or 409 concurrent-modification — never 5xx, never lost —
 * and the crash test's audit must pass. Prints the outcome counts and the accepted writes per
 * second on the facility (the ceiling: appends to one facility are serialised by its seq).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServerProcess } from './server-process.ts';
import { audit, auditPasses, formatAudit, readJournal, resendUnanswered, send, setUpFacilities, type AuditResult, type CommandRecord } from './workload.ts';

export interface HotFacilityOptions {
  readonly writers: number;
  readonly rounds: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_HOT_FACILITY: HotFacilityOptions = { writers: 64, rounds: 10 };
export const HOT_FACILITY_ID = 'FAC-HOT-001';

export interface HotFacilityResult {
  readonly audit: AuditResult;
  readonly elapsedMs: number;
  readonly acceptedPerSecond: number;
}

export async function runHotFacility(options: HotFacilityOptions): Promise<HotFacilityResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = await mkdtemp(join(tmpdir(), 'hot-facility-'));
  const records: CommandRecord[] = [];
  const server = await startServerProcess({ dataDir: dir });
  let stopped = false;
  try {
    await setUpFacilities(server.url, [HOT_FACILITY_ID]);
    const writer = async (w: number): Promise<void> => {
      for (let round = 0; round < options.rounds; round++) {
        const kind = (w + round) % 2 === 0 ? 'drawdown' : 'repayment';
        const amountFen = 1_000_00 + w * 100 + round;
        const record: CommandRecord = { command: { facilityId: HOT_FACILITY_ID, kind, key: `hot-w${w}-r${round}`, amountFen }, first: null, resends: [] };
        records.push(record);
        record.first = await send(server.url, record.command);
      }
    };
    const startedMs = performance.now();
    await Promise.all(Array.from({ length: options.writers }, (_, w) => writer(w)));
    const elapsedMs = performance.now() - startedMs;
    // Writes left unanswered (autocannon's time ran out, a client timeout) are resent, as a client would.
    await resendUnanswered(server.url, records);
    await server.stop();
    stopped = true;
    const result = audit(records, await readJournal(dir, [HOT_FACILITY_ID]));
    const acceptedPerSecond = result.accepted / (elapsedMs / 1_000);
    log(formatAudit(`hot facility, ${options.writers} writers × ${options.rounds}`, result));
    log(`accepted ${acceptedPerSecond.toFixed(1)} writes/s on one facility over ${(elapsedMs / 1_000).toFixed(1)} s; 409 share ${((100 * result.conflicts) / result.sent).toFixed(1)}%`);
    for (const finding of result.findings) log(`  ! ${finding}`);
    return { audit: result, elapsedMs, acceptedPerSecond };
  } finally {
    if (!stopped) await server.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every request answered, and only as accepted, refused or 409. */
export function everyRequestAccountedFor(result: AuditResult): boolean {
  return result.unanswered === 0 && result.serverErrors === 0 && result.accepted + result.refused + result.conflicts === result.sent;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { writers: { type: 'string' }, rounds: { type: 'string' } } });
  const options: HotFacilityOptions = {
    ...DEFAULT_HOT_FACILITY,
    ...(values.writers === undefined ? {} : { writers: Number(values.writers) }),
    ...(values.rounds === undefined ? {} : { rounds: Number(values.rounds) }),
  };
  if (!Number.isInteger(options.writers) || options.writers < 1 || options.writers > 512) throw new Error('--writers must be 1 … 512');
  if (!Number.isInteger(options.rounds) || options.rounds < 1 || options.rounds > 1_000) throw new Error('--rounds must be 1 … 1000');
  const result = await runHotFacility(options);
  if (!auditPasses(result.audit) || !everyRequestAccountedFor(result.audit)) {
    console.error('hot facility FAILED');
    process.exitCode = 1;
  } else console.log('hot facility passed');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
