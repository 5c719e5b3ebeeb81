/**
 * `npm run call -- <METHOD> <path> [body]`: an integrator's first call in one line.
 *
 *   npm run call -- GET /v1/facilities/FAC-DEMO-001?asOf=2026-01-20                       # npm start, as channel:mobile-bank
 *   npm run call -- POST /v1/facilities/FAC-DEMO-001/repayments '{"amount":"100.00"}' --date 2026-01-12
 *   CREDIT_API_URL=https://abc123.execute-api.cn-north-1.amazonaws.com.cn/live \
 *     npm run call -- GET /v1/facilities/FAC-2026-000123                                 # SigV4-signed
 *
 * Against `npm start` (a 127.0.0.1/localhost URL) nothing is signed: `--as` and `--date` become the
 * local x-dev-principal and x-dev-business-date headers. Against a deployed stage the request is
 * signed with the AWS SDK's SigV4 signer (@smithy/signature-v4, service execute-api) using the
 * default credential chain: environment, shared config and SSO profiles, credential_process
 * (IAM Roles Anywhere's signing helper), web identity, container and instance roles
 * (docs/onboarding.md). A POST without --key gets a fresh Idempotency-Key, printed so a retry can
 * reuse it.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { DEV_BUSINESS_DATE_HEADER, DEV_PRINCIPAL_HEADER } from '#http/dev.ts';
import { IDEMPOTENCY_KEY_HEADER } from '#http/idempotency.ts';

export const USAGE = `usage: npm run call -- <METHOD> <path> [body] [options]

  METHOD    GET, POST, PUT, PATCH or DELETE
  path      e.g. /v1/facilities/FAC-DEMO-001?asOf=2026-01-20
  body      JSON, e.g. '{"amount":"50000.00"}'

options:
  --url <base>      the API: http://127.0.0.1:3000 (npm start, default; or $CREDIT_API_URL), or a deployed
                    stage https://<id>.execute-api.<region>.amazonaws.com[.cn]/<stage> (signed with SigV4)
  --region <r>      signing region (default: from the URL, else $AWS_REGION)
  --key <k>         Idempotency-Key (default for POST: a fresh one, printed)
  --as <who>        local only: x-dev-principal, e.g. ops:ops-desk, sme:BOR-DEMO-001 (default channel:mobile-bank)
  --date <d>        local only: x-dev-business-date YYYY-MM-DD
  --help            this text`;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DEFAULT_URL = 'http://127.0.0.1:3000';
const DEFAULT_LOCAL_PRINCIPAL = 'channel:mobile-bank';
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

export interface CallOptions {
  readonly method: Method;
  readonly path: string;
  readonly body?: string;
  readonly url: string;
  readonly region?: string;
  readonly key?: string;
  readonly as?: string;
  readonly date?: string;
}

export interface PreparedRequest {
  readonly url: URL;
  readonly method: Method;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** True when the request goes to npm start and is sent unsigned. */
  readonly local: boolean;
  /** The signing region of a deployed stage. */
  readonly region?: string;
}

export class UsageError extends Error {}

/** Parses the command line; throws UsageError with what is wrong. `help` when asked for it. */
export function parseCall(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CallOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { url: { type: 'string' }, region: { type: 'string' }, key: { type: 'string' }, as: { type: 'string' }, date: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help === true) return 'help';
  const [method, path, body, ...extra] = positionals;
  if (method === undefined || path === undefined) throw new UsageError('give a METHOD and a path');
  const upper = method.toUpperCase();
  if (!(METHODS as readonly string[]).includes(upper)) throw new UsageError(`METHOD must be one of ${METHODS.join(', ')}, not ${method}`);
  if (!path.startsWith('/')) throw new UsageError(`the path must start with "/": ${path}`);
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')} (quote the JSON body)`);
  if (body !== undefined) {
    try {
      JSON.parse(body);
    } catch {
      throw new UsageError(`the body is not JSON: ${body}`);
    }
  }
  return {
    method: upper as Method,
    path,
    url: values.url ?? env['CREDIT_API_URL'] ?? DEFAULT_URL,
    ...(body === undefined ? {} : { body }),
    ...(values.region === undefined ? (env['AWS_REGION'] === undefined ? {} : { region: env['AWS_REGION'] }) : { region: values.region }),
    ...(values.key === undefined ? {} : { key: values.key }),
    ...(values.as === undefined ? {} : { as: values.as }),
    ...(values.date === undefined ? {} : { date: values.date }),
  };
}

/** The request to send: the stage path joined with the API path, the headers, local or not. */
export function prepareCall(options: CallOptions, newKey: () => string = randomUUID): PreparedRequest {
  const base = new URL(options.url);
  const local = LOCAL_HOSTS.has(base.hostname);
  const url = new URL(base.pathname.replace(/\/$/, '') + options.path, base.origin);
  const headers: Record<string, string> = { accept: 'application/json', host: url.host };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const key = options.key ?? (options.method === 'POST' ? `call-${newKey()}` : undefined);
  if (key !== undefined) headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()] = key;
  if (local) {
    headers[DEV_PRINCIPAL_HEADER] = options.as ?? DEFAULT_LOCAL_PRINCIPAL;
    if (options.date !== undefined) headers[DEV_BUSINESS_DATE_HEADER] = options.date;
    return { url, method: options.method, headers, ...(options.body === undefined ? {} : { body: options.body }), local };
  }
  if (options.as !== undefined || options.date !== undefined) throw new UsageError('--as and --date are for npm start only: a deployed stage knows the caller from its signature and the date from its clock');
  if (base.protocol !== 'https:') throw new UsageError(`a deployed stage is reached over https, not ${base.protocol}`);
  const region = options.region ?? EXECUTE_API_HOST.exec(base.hostname)?.[1];
  if (region === undefined) throw new UsageError(`cannot tell the region from ${base.hostname}: pass --region`);
  return { url, method: options.method, headers, ...(options.body === undefined ? {} : { body: options.body }), local, region };
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** SigV4 headers (authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token) for `request`. */
export async function signCall(
  request: PreparedRequest,
  credentials: Credentials | (() => Promise<Credentials>),
  options: { readonly service?: string; readonly signingDate?: Date } = {},
): Promise<Record<string, string>> {
  // No x-amz-content-sha256: API Gateway does not need it, and the request then signs as the AWS SigV4 test suite's vectors do.
  const signer = new SignatureV4({ service: options.service ?? 'execute-api', region: request.region ?? 'us-east-1', credentials, sha256: Sha256, applyChecksum: false });
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port === '' ? {} : { port: Number(request.url.port) }),
      path: request.url.pathname,
      query,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    options.signingDate === undefined ? {} : { signingDate: options.signingDate },
  );
  return signed.headers as Record<string, string>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly key?: string;
}

/** Sends the call: unsigned to npm start, SigV4-signed with `credentials` (default: the AWS default chain) elsewhere. */
export async function call(options: CallOptions, deps: { readonly fetch?: typeof fetch; readonly credentials?: () => Promise<Credentials> } = {}): Promise<CallResult> {
  const request = prepareCall(options);
  const headers = request.local ? request.headers : await signCall(request, deps.credentials ?? defaultProvider());
  const { host: _host, ...sent } = headers;
  const response = await (deps.fetch ?? fetch)(request.url, { method: request.method, headers: sent, ...(request.body === undefined ? {} : { body: request.body }) });
  const key = headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  return { status: response.status, headers: response.headers, text: await response.text(), ...(key === undefined ? {} : { key }) };
}

async function main(argv: readonly string[]): Promise<number> {
  let options: CallOptions | 'help';
  try {
    options = parseCall(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    const result = await call(options);
    const replayed = result.headers.get('idempotent-replayed');
    console.error(`${options.method} ${options.path} → ${result.status}${result.key === undefined ? '' : `  (Idempotency-Key: ${result.key}${replayed === 'true' ? ', replayed' : ''})`}  x-amzn-RequestId: ${result.headers.get('x-amzn-requestid') ?? '-'}`);
    let pretty = result.text;
    try {
      pretty = JSON.stringify(JSON.parse(result.text), null, 2);
    } catch {
      // not JSON: print as is
    }
    console.log(pretty);
    return result.status < 400 ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const cause = error instanceof Error ? error.message : String(error);
    console.error(`the call failed: ${cause}${/ECONNREFUSED/.test(String((error as { cause?: unknown })?.cause ?? cause)) ? ' (is `npm start` running?)' : ''}`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
