/**
 * End-to-end harness: the real local server (local/server.ts) with the real route registry
 * and handlers, over real HTTP on a free port, against a table of its own in the embedded
 * store that vitest's global setup started (test/setup/embedded-store.ts).
 *
 * Vitest runs test files in parallel workers, so each file calls startE2e() once: its own
 * server, its own table (LPR fixings, profiles and the review queue are per table), and it
 * uses unique facility and borrower ids (uniqueId) inside the file.
 *
 * Callers name themselves the way `npm start` lets them (LOCAL_DEV=1): x-dev-principal
 * (channel:<id> | sme:<borrowerId> | ops:<id>) and x-dev-business-date (YYYY-MM-DD).
 */
import { DYNAMODB_ENDPOINT_ENV, LOCAL_DEV_ENV, STAFF_ISSUER_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { randomUUID } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';

import { DEV_BUSINESS_DATE_HEADER, DEV_PRINCIPAL_HEADER } from '#http/dev.ts';
import { IDEMPOTENCY_KEY_HEADER } from '#http/idempotency.ts';
import type { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import type { JournalEvent } from '#ledger/journal.ts';

import { routes } from '../../functions/routes.ts';
import { startServer, type LocalServer, type LocalServerOptions } from '../../local/server.ts';
import { assertInContract } from './contract.ts';
import { CONSOLE_PREFIX } from '#http/auth.ts';
import { freshTable, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

export { uniqueId };

export const CHANNEL = 'channel:e2e-mobile-bank';
export const OPS = 'ops:e2e-ops-desk';

export interface RequestOptions {
  /** Sent as JSON (with Content-Type: application/json unless `contentType` says otherwise). */
  readonly body?: unknown;
  /** Sent as is; wins over `body`. A Uint8Array goes without any Content-Type from fetch. */
  readonly rawBody?: string | Uint8Array;
  /** `null` sends no Content-Type header. */
  readonly contentType?: string | null;
  /** Idempotency-Key: a fresh random key by default on POST; `null` sends none. */
  readonly key?: string | null;
  /** x-dev-business-date for this request (overrides the client's). */
  readonly date?: string;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string | null;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly body: T;
}

/**
 * A caller of the API: who (x-dev-principal, or a staff token on the console mount) and,
 * optionally, which business day.
 */
export class Api {
  readonly baseUrl: string;
  readonly principal: string | undefined;
  readonly date: string | undefined;
  /** A staff member of the console: every path goes under CONSOLE_PREFIX with this Authorization. */
  readonly staffToken: string | undefined;

  constructor(baseUrl: string, principal: string | undefined, date?: string, staffToken?: string) {
    this.baseUrl = baseUrl;
    this.principal = principal;
    this.date = date;
    this.staffToken = staffToken;
  }

  /** The same caller on another business date. */
  on(date: string): Api {
    return new Api(this.baseUrl, this.principal, date, this.staffToken);
  }

  get<T = any>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body === undefined ? options : { body, ...options });
  }

  put<T = any>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, body === undefined ? options : { body, ...options });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(this.staffToken === undefined ? path : `${CONSOLE_PREFIX}${path}`, this.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const one of typeof value === 'string' ? [value] : value) url.searchParams.append(name, one);
    }
    const headers = new Headers();
    if (this.principal !== undefined) headers.set(DEV_PRINCIPAL_HEADER, this.principal);
    if (this.staffToken !== undefined) headers.set('authorization', this.staffToken);
    const date = options.date ?? this.date;
    if (date !== undefined) headers.set(DEV_BUSINESS_DATE_HEADER, date);
    const key = options.key === undefined ? (method === 'POST' ? `e2e-${randomUUID()}` : null) : options.key;
    if (key !== null) headers.set(IDEMPOTENCY_KEY_HEADER, key);
    let body: string | Uint8Array | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && options.contentType !== null) headers.set('content-type', options.contentType ?? 'application/json');
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const contentType = response.headers.get('content-type');
    // Every response must match the published document (test/e2e/contract.ts).
    assertInContract({ method, path: url.pathname, status: response.status, contentType, text });
    return { status: response.status, headers: response.headers, contentType, text, body: parsed as T };
  }
}

export interface ProfileBody {
  borrowerType?: 'ENTERPRISE' | 'INDIVIDUAL_BUSINESS' | 'OWNER' | 'FARMER';
  /** Required for an ENTERPRISE (the default type). */
  enterpriseSize?: 'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE';
  registrationStatus: 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
  taxRating: 'A' | 'B' | 'M' | 'C' | 'D';
  riskGrade: number;
  collateral: 'NONE' | 'GUARANTEE' | 'PROPERTY';
  relationship: { depositBalance: string; settlementVolume: string };
  profileDate: string;
  fundsUseCompliant?: boolean | 'unknown';
}

/** A small enterprise, tax B, grade 4, guaranteed, 1 000 000.00 on deposit, funds used as agreed: the pricing tests' reference borrower. */
export const BASE_PROFILE: ProfileBody = {
  enterpriseSize: 'SMALL',
  registrationStatus: 'ACTIVE',
  taxRating: 'B',
  riskGrade: 4,
  collateral: 'GUARANTEE',
  relationship: { depositBalance: '1000000.00', settlementVolume: '0.00' },
  profileDate: '2026-01-02',
  fundsUseCompliant: true,
};

export interface OpenBody {
  borrowerId: string;
  limit: string;
  effectiveDate: string;
  maturityDate: string;
  pricing?: { spreadBp?: number };
}

export interface E2e {
  readonly url: string;
  /** Failures inside the local server itself (a handler that threw past its middleware, which answers 500). */
  readonly serverErrors: readonly string[];
  readonly tableName: string;
  /** A direct reader of the suite's table (for "nothing was written" checks). */
  readonly store: DynamoLedgerStore;
  asChannel(date?: string): Api;
  asOps(date?: string): Api;
  asSme(borrowerId: string, date?: string): Api;
  /** A staff member signed in to the staff pool (STAFF_TOKENS), calling through the console mount. */
  asStaff(token: keyof typeof STAFF_TOKENS, date?: string): Api;
  asAnonymous(date?: string): Api;
  /** PUT /v1/ops/lpr/{date} as ops; rates as percent strings. */
  publishLpr(date: string, oneYear: string, fiveYear?: string): Promise<void>;
  /** PUT /v1/ops/borrowers/{id}/profile as ops. */
  putProfile(borrowerId: string, overrides?: Partial<ProfileBody>): Promise<ApiResponse>;
  /** PUT /v1/facilities/{id} as the channel on `date`; expects 201. */
  openFacility(facilityId: string, body: OpenBody, date: string): Promise<ApiResponse>;
  /** Every event of a facility, read from the table (not through the API). */
  events(facilityId: string): Promise<JournalEvent[]>;
  /** The facility's latest seq (0 when it has no events): one consistent read. */
  lastSeq(facilityId: string): Promise<number>;
  /**
   * Every item of the suite's table, canonically ordered: equal snapshots ⇒ nothing was written.
   * `exceptPk` leaves out partitions a step may rewrite legitimately (e.g. an end-of-day report).
   */
  snapshot(options?: { exceptPk?: RegExp }): Promise<string>;
  close(): Promise<void>;
}

/** The staff user pool of the tests (its issuer is what the ops functions accept). */
export const STAFF_ISSUER = 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_StaffTest';

/**
 * Bearer tokens the stand-in for the staff pool's Cognito authorizer knows, with the claims API
 * Gateway would hand over for each (every value a string): a member of the ops group, a staff
 * member outside it, and a token of another pool. Any other Authorization is refused with 401.
 */
export const STAFF_TOKENS = {
  ops: { sub: '5ad0e1a0-0000-4000-8000-00000000a11c', iss: STAFF_ISSUER, token_use: 'id', 'cognito:username': 'alice', 'cognito:groups': '[ops auditors]' },
  notOps: { sub: '5ad0e1a0-0000-4000-8000-00000000b0b0', iss: STAFF_ISSUER, token_use: 'id', 'cognito:username': 'bob', 'cognito:groups': 'auditors' },
  otherPool: { sub: '5ad0e1a0-0000-4000-8000-00000000c0de', iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Other', token_use: 'id', 'cognito:groups': 'ops' },
} as const satisfies Record<string, Record<string, string>>;

function staffAuthorizerStandIn(authorization: string | undefined): Readonly<Record<string, string>> | undefined {
  const token = /^(?:Bearer )?(\w+)$/.exec(authorization ?? '')?.[1]; // API Gateway takes the raw token, or after Bearer
  return token !== undefined && Object.hasOwn(STAFF_TOKENS, token) ? STAFF_TOKENS[token as keyof typeof STAFF_TOKENS] : undefined;
}

/**
 * Starts the local server for one test file on a table of its own. The environment the
 * handlers read (table, endpoint, LOCAL_DEV) is set before any handler is loaded: the server
 * imports each handler on its route's first request.
 */
export async function startE2e(name: string, options: { fallback?: LocalServerOptions['fallback'] } = {}): Promise<E2e> {
  const client = ledgerClient();
  const tableName = await freshTable(client, `e2e-${name}`);
  process.env[TABLE_NAME_ENV] = tableName;
  process.env[DYNAMODB_ENDPOINT_ENV] = inject('ledgerEndpoint');
  process.env[LOCAL_DEV_ENV] = '1';
  process.env[STAFF_ISSUER_ENV] = STAFF_ISSUER;
  // Quiet output: no access log lines and no EMF metric documents on stdout.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  // The use-cases' dependencies are built from the environment just set (functions/wiring.ts).
  const serverErrors: string[] = [];
  const server: LocalServer = await startServer({
    routes,
    port: 0,
    staffAuthorizer: staffAuthorizerStandIn,
    ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
    onError: (message, error) => serverErrors.push(`${message}: ${String(error)}`),
  });
  const store = ledgerStore(client, { tableName });
  const api = (principal: string | undefined, date?: string) => new Api(server.url, principal, date);

  const e2e: E2e = {
    url: server.url,
    serverErrors,
    tableName,
    store,
    asChannel: (date) => api(CHANNEL, date),
    asOps: (date) => api(OPS, date),
    asSme: (borrowerId, date) => api(`sme:${borrowerId}`, date),
    asAnonymous: (date) => api(undefined, date),
    asStaff: (token, date) => new Api(server.url, undefined, date, token),
    async publishLpr(date, oneYear, fiveYear = oneYear) {
      const r = await api(OPS).put(`/v1/ops/lpr/${date}`, { oneYear, fiveYear });
      if (r.status !== 200) throw new Error(`publishing LPR ${date} failed: ${r.status} ${r.text}`);
    },
    async putProfile(borrowerId, overrides = {}) {
      const r = await api(OPS).put(`/v1/ops/borrowers/${borrowerId}/profile`, { ...BASE_PROFILE, ...overrides });
      if (r.status !== 200 && r.status !== 201) throw new Error(`profile of ${borrowerId} failed: ${r.status} ${r.text}`);
      return r;
    },
    async openFacility(facilityId, body, date) {
      const r = await api(CHANNEL, date).put(`/v1/facilities/${facilityId}`, body);
      if (r.status !== 201) throw new Error(`opening ${facilityId} failed: ${r.status} ${r.text}`);
      return r;
    },
    async events(facilityId) {
      const all: JournalEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listEvents(facilityId, { limit: 100, ...(cursor === undefined ? {} : { cursor }) });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return all;
    },
    async lastSeq(facilityId) {
      return (await store.loadLatest(facilityId))?.seq ?? 0;
    },
    async snapshot(options = {}) {
      const items: string[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const out = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
        for (const item of out.Items ?? []) {
          if (options.exceptPk !== undefined && options.exceptPk.test(item['pk']?.S ?? '')) continue;
          items.push(canonical(item));
        }
        start = out.LastEvaluatedKey;
      } while (start !== undefined);
      return items.sort().join('\n');
    },
    async close() {
      await server.close();
      client.destroy();
    },
  };
  return e2e;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
