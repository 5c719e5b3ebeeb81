/**
 * `npm run crash-test [-- --cycles 20]`: `kill -9` of the local server mid-load, restart on the
 * same data, resend every unanswered request with its key and body, audit (docs/reliability.md).
 * Each cycle: start the server on the DATA_DIR, drive drawdowns and repayments on a few
 * facilities from several concurrent lanes, SIGKILL it after a number of answers that varies
 * by cycle, start it again, let every lane send one new command (other clients do not wait
 * for the killed one: a new command takes the next seq first), then resend what went
 * unanswered (and a sample of what was answered, to check the replays), stop it, and audit
 * everything sent so far against the journal.
 * Exits non-zero unless lost, duplicated and wrong-replay (and unanswered, 5xx, unbalanced) are 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServerProcess } from './server-process.ts';
import {
  audit,
  auditPasses,
  formatAudit,
  readJournal,
  send,
  setUpFacilities,
  type AuditResult,
  type CommandRecord,
  type WriteCommand,
} from './workload.ts';

export interface CrashTestOptions {
  readonly cycles: number;
  readonly facilities: number;
  /** Concurrent writers per facility (more than one makes commands race for each seq). */
  readonly lanesPerFacility: number;
  /** Commands each lane sends per cycle at most (the kill usually comes first). */
  readonly commandsPerLane: number;
  /** Every n-th answered drawdown or repayment is sent again after the restart, to check its replay. */
  readonly replayCheckEvery: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_CRASH_TEST: CrashTestOptions = { cycles: 20, facilities: 4, lanesPerFacility: 3, commandsPerLane: 30, replayCheckEvery: 3 };

export interface CrashTestResult {
  readonly cycles: readonly AuditResult[];
  readonly total: AuditResult;
  /** Requests in flight when the server was killed, per cycle. */
  readonly inFlightAtKill: readonly number[];
}

const facilityIdsOf = (count: number): string[] => Array.from({ length: count }, (_, i) => `FAC-CRASH-${String(i + 1).padStart(2, '0')}`);

/** Drawdown then repayment of the same amount: the facility's open drawdowns stay bounded. Amounts vary, so no two commands look alike. */
function laneCommand(cycle: number, facilityId: string, lane: number, n: number): WriteCommand {
  const amountFen = 100_00 + ((cycle * 131 + lane * 17 + Math.floor(n / 2) * 7) % 5_000) * 100 + (n % 97);
  return { facilityId, kind: n % 2 === 0 ? 'drawdown' : 'repayment', key: `c${cycle}-${facilityId}-l${lane}-n${n}`, amountFen: n % 2 === 0 ? amountFen : amountFen - 1 };
}

export async function runCrashTest(options: CrashTestOptions, dataDir?: string): Promise<CrashTestResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'crash-test-')));
  const facilityIds = facilityIdsOf(options.facilities);
  const records: CommandRecord[] = [];
  const cycles: AuditResult[] = [];
  const inFlightAtKill: number[] = [];
  try {
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      const server = await startServerProcess({ dataDir: dir });
      if (cycle === 0) await setUpFacilities(server.url, facilityIds);
      const lanes = options.facilities * options.lanesPerFacility;
      // Kill after a number of answers that moves from cycle to cycle, always mid-load.
      const killAfterAnswers = 1 + ((cycle * 37 + 11) % Math.max(1, Math.floor((lanes * options.commandsPerLane) / 2)));
      let answers = 0;
      let inFlight = 0;
      let killing: Promise<void> | null = null;
      const cycleRecords: CommandRecord[] = [];
      const runLane = async (facilityId: string, lane: number): Promise<void> => {
        for (let n = 0; n < options.commandsPerLane && killing === null; n++) {
          const record: CommandRecord = { command: laneCommand(cycle, facilityId, lane, n), first: null, resends: [] };
          records.push(record);
          cycleRecords.push(record);
          inFlight++;
          record.first = await send(server.url, record.command);
          inFlight--;
          if (record.first === null) return; // the server is gone
          if (++answers === killAfterAnswers && killing === null) {
            inFlightAtKill.push(inFlight);
            killing = server.kill();
          }
        }
      };
      await Promise.all(facilityIds.flatMap((facilityId) => Array.from({ length: options.lanesPerFacility }, (_, lane) => runLane(facilityId, lane))));
      if (killing === null) {
        inFlightAtKill.push(0);
        killing = server.kill();
      }
      await killing;

      const restarted = await startServerProcess({ dataDir: dir });
      try {
        await Promise.all(
          facilityIds.flatMap((facilityId) =>
            Array.from({ length: options.lanesPerFacility }, async (_, lane) => {
              const record: CommandRecord = { command: laneCommand(cycle, facilityId, lane, options.commandsPerLane + lane), first: null, resends: [] };
              records.push(record);
              record.first = await send(restarted.url, record.command);
            }),
          ),
        );
        let answered = 0;
        for (const record of cycleRecords) {
          const resend = record.first === null || (record.first.status < 300 && answered++ % options.replayCheckEvery === 0);
          if (!resend) continue;
          const answer = await send(restarted.url, record.command);
          if (answer !== null) record.resends.push(answer);
        }
      } finally {
        await restarted.stop();
      }
      const result = audit(records, await readJournal(dir, facilityIds));
      cycles.push(result);
      log(formatAudit(`cycle ${String(cycle + 1).padStart(2)} (killed after ${killAfterAnswers} answers, ${inFlightAtKill.at(-1)} in flight)`, result));
      for (const finding of result.findings) log(`  ! ${finding}`);
    }
  } finally {
    if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
  }
  const total = cycles.at(-1)!;
  return { cycles, total, inFlightAtKill };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cycles: { type: 'string' }, facilities: { type: 'string' } } });
  const options: CrashTestOptions = {
    ...DEFAULT_CRASH_TEST,
    ...(values.cycles === undefined ? {} : { cycles: Number(values.cycles) }),
    ...(values.facilities === undefined ? {} : { facilities: Number(values.facilities) }),
  };
  if (!Number.isInteger(options.cycles) || options.cycles < 1 || options.cycles > 1_000) throw new Error('--cycles must be 1 … 1000');
  if (!Number.isInteger(options.facilities) || options.facilities < 1 || options.facilities > 64) throw new Error('--facilities must be 1 … 64');
  console.log(`crash test: ${options.cycles} cycles, ${options.facilities} facilities × ${options.lanesPerFacility} lanes, kill -9 mid-load`);
  const result = await runCrashTest(options);
  const t = result.total;
  console.log(
    `\nTOTAL: sent ${t.sent} · acknowledged ${t.acknowledged} · retried after kill ${t.retried} · lost ${t.lost} · ` +
      `duplicated ${t.duplicated} · wrong-replay ${t.wrongReplay} (in flight at the kills: ${result.inFlightAtKill.reduce((a, b) => a + b, 0)})`,
  );
  if (!auditPasses(t)) {
    console.error('crash test FAILED');
    process.exitCode = 1;
  } else console.log('crash test passed');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
