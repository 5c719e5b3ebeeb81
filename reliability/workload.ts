/**
 * The write workload of the reliability tools and its audit (docs/reliability.md): drawdowns
 * and repayments with Idempotency-Keys on a few facilities, every request and its answer kept
 * in a client-side record, then checked against the journal itself.
 *
 * The audit counts, over every command sent:
 * - lost: answered 2xx (first time or on a retry), but no journal event carries its key;
 * - duplicated: more than one event carries its key, or a refused command has one;
 * - wrong-replay: an answer that is not this request's own: its body differs from the response
 *   stored with the event carrying the key, that event is for another amount or kind, or the
 *   answer is idempotency-key-reused (the workload never sends one key with two bodies);
 * and per facility, Σ drawdowns − Σ principal repaid (from the 2xx answers) = the principal
 * outstanding in the latest event's state.
 */
import { MAX_PAGE_SIZE, type JournalEvent } from '#ledger/journal.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { startEmbeddedStore } from '#ledger/embedded-store.ts';
import { systemRuntime } from '#ledger/runtime.ts';
import { clientKey } from '#app/facilities.ts';
import { isDeepStrictEqual } from 'node:util';

export const CHANNEL = 'channel:reliability';
export const OPS = 'ops:reliability';
/** Every command is on this business date: no interest moves between a drawdown and its repayment. */
export const BUSINESS_DATE = '2026-01-05';
export const FACILITY_LIMIT = '10000000.00';
/** Bounds one request, so a wedged server is a finding, not a hang. */
export const REQUEST_TIMEOUT_MS = 30_000;

export type CommandKind = 'drawdown' | 'repayment';

export interface WriteCommand {
  readonly facilityId: string;
  readonly kind: CommandKind;
  readonly key: string;
  readonly amountFen: number;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly replayed: boolean;
}

/** What the client knows about one command. */
export interface CommandRecord {
  readonly command: WriteCommand;
  /** The first answer, or null when the connection died first. */
  first: Answer | null;
  /** Answers to resends with the same key and body (after a crash, or to check a replay). */
  readonly resends: Answer[];
}

export function yuan(amountFen: number): string {
  return `${Math.trunc(amountFen / 100)}.${String(amountFen % 100).padStart(2, '0')}`;
}

export function commandPath(command: WriteCommand): string {
  return `/v1/facilities/${command.facilityId}/${command.kind === 'drawdown' ? 'drawdowns' : 'repayments'}`;
}

export function commandBody(command: WriteCommand): string {
  const amount = yuan(command.amountFen);
  return JSON.stringify(command.kind === 'drawdown' ? { amount, termDays: 90 } : { amount });
}

export function commandHeaders(command: WriteCommand): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-dev-principal': CHANNEL,
    'x-dev-business-date': BUSINESS_DATE,
    'idempotency-key': command.key,
  };
}

/** Sends the command once; null when no answer came back (connection refused, reset, killed). */
export async function send(baseUrl: string, command: WriteCommand): Promise<Answer | null> {
  try {
    const response = await fetch(`${baseUrl}${commandPath(command)}`, {
      method: 'POST',
      headers: commandHeaders(command),
      body: commandBody(command),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as unknown, replayed: response.headers.get('idempotent-replayed') === 'true' };
  } catch {
    return null;
  }
}

/** What went unanswered (a client timeout, a run that ended) is sent once more with its key and body, as a client would. */
export async function resendUnanswered(baseUrl: string, records: readonly CommandRecord[]): Promise<void> {
  for (const record of records) {
    if (record.first !== null) continue;
    const answer = await send(baseUrl, record.command);
    if (answer !== null) record.resends.push(answer);
  }
}

/** LPR fixing and facilities, through the API; idempotent, so every cycle can call it. */
export async function setUpFacilities(baseUrl: string, facilityIds: readonly string[]): Promise<void> {
  const put = async (path: string, principal: string, body: unknown): Promise<void> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-dev-principal': principal, 'x-dev-business-date': BUSINESS_DATE },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.status >= 300) throw new Error(`PUT ${path} answered ${response.status}: ${await response.text()}`);
  };
  await put('/v1/ops/lpr/2025-05-20', OPS, { oneYear: '3.0000', fiveYear: '3.5000' });
  for (const facilityId of facilityIds) {
    await put(`/v1/facilities/${facilityId}`, CHANNEL, {
      borrowerId: `BOR-${facilityId}`,
      limit: FACILITY_LIMIT,
      effectiveDate: BUSINESS_DATE,
      maturityDate: '2027-01-05',
      pricing: { spreadBp: 45 },
    });
  }
}

/** The final answer the client holds for a command: the last resend's, else the first. */
export function finalAnswer(record: CommandRecord): Answer | null {
  return record.resends.at(-1) ?? record.first;
}

const isAccepted = (answer: Answer): boolean => answer.status === 200 || answer.status === 201;

/** Principal the answer says was repaid (a repayment's allocation), in fen. */
function principalRepaidFen(answer: Answer): number {
  const allocation = (answer.body as { allocation?: { principal?: string; overduePrincipal?: string } }).allocation;
  return fen(allocation?.principal ?? '0.00') + fen(allocation?.overduePrincipal ?? '0.00');
}

function fen(amount: string): number {
  const [units = '0', cents = '0'] = amount.split('.');
  return Number(units) * 100 + Number(cents.padEnd(2, '0'));
}

// ---------------------------------------------------------------------------------------
// The journal, read directly from the store's files while no server has them open.

export interface JournalSnapshot {
  readonly events: ReadonlyMap<string, readonly JournalEvent[]>;
}

/** Opens the embedded store on dataDir (the server must be stopped), reads every event of these facilities. */
export async function readJournal(dataDir: string, facilityIds: readonly string[]): Promise<JournalSnapshot> {
  const embedded = await startEmbeddedStore({ path: dataDir });
  const client = createDynamoClient({ target: 'local', endpoint: embedded.endpoint });
  try {
    const store = new DynamoLedgerStore({ client, tableName: embedded.tableName, runtime: systemRuntime });
    const events = new Map<string, JournalEvent[]>();
    for (const facilityId of facilityIds) {
      const all: JournalEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listEvents(facilityId, { limit: MAX_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      events.set(facilityId, all);
    }
    return { events };
  } finally {
    client.destroy();
    await embedded.stop();
  }
}

// ---------------------------------------------------------------------------------------
// The audit

export interface AuditResult {
  readonly sent: number;
  /** Answered the first time (any status). */
  readonly acknowledged: number;
  /** Left unanswered by the crash, then resent with the same key and body. */
  readonly retried: number;
  /** Still unanswered after every resend: a finding in itself. */
  readonly unanswered: number;
  readonly accepted: number;
  readonly refused: number;
  readonly conflicts: number;
  readonly serverErrors: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly wrongReplay: number;
  /** Facilities where Σ drawdowns − Σ principal repaid ≠ principal outstanding. */
  readonly unbalanced: number;
  /** The first few findings, readable. */
  readonly findings: readonly string[];
}

const MAX_FINDINGS = 20;

export function audit(records: readonly CommandRecord[], journal: JournalSnapshot): AuditResult {
  const byKey = new Map<string, JournalEvent[]>();
  for (const events of journal.events.values()) {
    for (const event of events) {
      if (event.requestId === undefined) continue;
      const list = byKey.get(`${event.facilityId}|${event.requestId}`) ?? [];
      list.push(event);
      byKey.set(`${event.facilityId}|${event.requestId}`, list);
    }
  }
  const findings: string[] = [];
  const note = (finding: string): void => {
    if (findings.length < MAX_FINDINGS) findings.push(finding);
  };
  const counts = { acknowledged: 0, retried: 0, unanswered: 0, accepted: 0, refused: 0, conflicts: 0, serverErrors: 0, lost: 0, duplicated: 0, wrongReplay: 0 };
  const drawnFen = new Map<string, number>();
  const repaidFen = new Map<string, number>();

  for (const record of records) {
    const { command } = record;
    if (record.first !== null) counts.acknowledged++;
    else counts.retried++;
    const answer = finalAnswer(record);
    const events = byKey.get(`${command.facilityId}|${clientKey(CHANNEL, command.key)}`) ?? [];
    if (answer === null) {
      counts.unanswered++;
      note(`${command.key}: never answered`);
      continue;
    }
    for (const each of [record.first, ...record.resends]) {
      if (each === null || each.status < 500) continue;
      counts.serverErrors++;
      note(`${command.key}: answered ${each.status} ${String((each.body as { code?: unknown } | undefined)?.code ?? '')}`);
    }
    if (answer.status >= 500) continue;
    if (events.length > 1) {
      counts.duplicated++;
      note(`${command.key}: ${events.length} events carry the key (seq ${events.map((e) => e.seq).join(', ')})`);
    }
    if (isAccepted(answer)) {
      counts.accepted++;
      const event = events[0];
      if (event === undefined) {
        counts.lost++;
        note(`${command.key}: answered ${answer.status}${answer.replayed ? ' (replayed)' : ''} but no event carries the key`);
      } else if (!ownAnswers(record, event) || (record.first !== null && isAccepted(record.first) && record.resends.some((r) => !isAccepted(r)))) {
        counts.wrongReplay++;
        note(`${command.key}: answered with a response that is not the one stored with its event (seq ${event.seq})`);
      }
      if (command.kind === 'drawdown') drawnFen.set(command.facilityId, (drawnFen.get(command.facilityId) ?? 0) + command.amountFen);
      else repaidFen.set(command.facilityId, (repaidFen.get(command.facilityId) ?? 0) + principalRepaidFen(answer));
    } else {
      if (answer.status === 409) counts.conflicts++;
      else counts.refused++;
      // The workload never sends one key with two bodies: this answer belongs to another request.
      if ([record.first, ...record.resends].some((each) => (each?.body as { code?: unknown } | undefined)?.code === 'idempotency-key-reused')) {
        counts.wrongReplay++;
        note(`${command.key}: answered idempotency-key-reused, but the key was only ever sent with this body`);
      }
      if (events.length > 0) {
        counts.duplicated++;
        note(`${command.key}: refused with ${answer.status}, yet event seq ${events[0]!.seq} carries the key`);
      }
    }
  }

  let unbalanced = 0;
  for (const [facilityId, events] of journal.events) {
    const latest = events.at(-1);
    const state = latest?.state as { drawdowns?: readonly { principalFen: number }[] } | undefined;
    const outstandingFen = (state?.drawdowns ?? []).reduce((sum, d) => sum + d.principalFen, 0);
    const expectedFen = (drawnFen.get(facilityId) ?? 0) - (repaidFen.get(facilityId) ?? 0);
    if (outstandingFen !== expectedFen) {
      unbalanced++;
      note(`${facilityId}: Σ drawdowns − Σ principal repaid = ${yuan(expectedFen)} but principal outstanding is ${yuan(outstandingFen)}`);
    }
  }
  return { sent: records.length, ...counts, unbalanced, findings };
}

/** Every 2xx answer of the command is the response stored with the event carrying its key, for its amount and kind. */
function ownAnswers(record: CommandRecord, event: JournalEvent): boolean {
  const command = (event.data as { command?: { type?: string; amountFen?: number } }).command;
  const kind = command?.type === 'Drawdown' ? 'drawdown' : command?.type === 'Repayment' ? 'repayment' : undefined;
  if (kind !== record.command.kind || command?.amountFen !== record.command.amountFen) return false;
  const accepted = [record.first, ...record.resends].filter((answer): answer is Answer => answer !== null && isAccepted(answer));
  return (
    accepted.every((answer) => isDeepStrictEqual(storedPart(answer.body), event.response?.body)) &&
    accepted.every((answer) => isDeepStrictEqual(answer.body, accepted[0]!.body))
  );
}

/**
 * The answer minus what the use-case adds after the append: a drawdown's `firstLoan` comes
 * from the borrower record (marked idempotently, so a replay says the same).
 */
function storedPart(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('firstLoan' in body)) return body;
  const { firstLoan: _derived, ...stored } = body as Record<string, unknown>;
  return stored;
}

export function auditPasses(result: AuditResult): boolean {
  return result.lost === 0 && result.duplicated === 0 && result.wrongReplay === 0 && result.unanswered === 0 && result.serverErrors === 0 && result.unbalanced === 0;
}

export function formatAudit(label: string, result: AuditResult): string {
  return (
    `${label}: sent ${result.sent} · acknowledged ${result.acknowledged} · retried ${result.retried} · ` +
    `lost ${result.lost} · duplicated ${result.duplicated} · wrong-replay ${result.wrongReplay} · ` +
    `accepted ${result.accepted} · refused ${result.refused} · 409 ${result.conflicts} · 5xx ${result.serverErrors} · ` +
    `unanswered ${result.unanswered} · unbalanced facilities ${result.unbalanced}`
  );
}
