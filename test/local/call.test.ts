/**
 * `npm run call`: unsigned against npm start, SigV4-signed against a deployed stage. Signing is
 * checked with fixed credentials and a fixed time (the AWS SigV4 test suite's get-vanilla
 * vector), never against real AWS.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { call, parseCall, prepareCall, signCall, UsageError } from '../../local/call.ts';
import { startServer, type LocalServer } from '../../local/server.ts';

const EXAMPLE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const STAGE = 'https://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/live';

describe('signing (SigV4, fixed credentials and time)', () => {
  it('reproduces the AWS SigV4 test suite get-vanilla signature', async () => {
    const headers = await signCall(
      { url: new URL('https://example.amazonaws.com/'), method: 'GET', headers: { host: 'example.amazonaws.com' }, local: false, region: 'us-east-1' },
      EXAMPLE_CREDENTIALS,
      { service: 'service', signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('signs a drawdown for execute-api in the stage region, covering the body, the key and the session token', async () => {
    const options = parseCall(['post', '/v1/facilities/FAC-1/drawdowns', '{"amount":"50000.00"}', '--url', STAGE, '--key', 'd-1'], {});
    expect(options).not.toBe('help');
    const request = prepareCall(options as Exclude<typeof options, 'help'>);
    expect([request.local, request.region, request.url.href]).toEqual([false, 'cn-north-1', `${STAGE}/v1/facilities/FAC-1/drawdowns`]);
    const at = new Date('2026-01-20T02:00:00Z');
    const sign = (body: string) => signCall({ ...request, body }, { ...EXAMPLE_CREDENTIALS, sessionToken: 'TOKEN' }, { signingDate: at });
    const signed = await sign('{"amount":"50000.00"}');
    expect(signed['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260120\/cn-north-1\/execute-api\/aws4_request, SignedHeaders=accept;content-type;host;idempotency-key;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(signed['x-amz-security-token']).toBe('TOKEN');
    // Deterministic for the same request and time; another amount is another signature.
    expect((await sign('{"amount":"50000.00"}'))['authorization']).toBe(signed['authorization']);
    expect((await sign('{"amount":"50000.01"}'))['authorization']).not.toBe(signed['authorization']);
  });

  it('sends the signed request to the stage (a fake fetch: nothing leaves the machine)', async () => {
    const sent = vi.fn(async (_url: URL | string, _init?: RequestInit) => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } }));
    const options = parseCall(['GET', '/v1/facilities/FAC-1?asOf=2026-01-20', '--url', STAGE], {}) as Exclude<ReturnType<typeof parseCall>, 'help'>;
    const result = await call(options, { fetch: sent as typeof fetch, credentials: async () => EXAMPLE_CREDENTIALS });
    expect(result.status).toBe(200);
    const [url, init] = sent.mock.calls[0]!;
    expect(String(url)).toBe(`${STAGE}/v1/facilities/FAC-1?asOf=2026-01-20`);
    expect(Object.keys(init!.headers as object)).toEqual(expect.arrayContaining(['authorization', 'x-amz-date']));
    expect(Object.keys(init!.headers as object)).not.toContain('x-dev-principal');
  });
});

describe('against npm start (no signing)', () => {
  let server: LocalServer;
  beforeAll(async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    server = await startServer({ routes, port: 0 });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server.close();
  });

  it('calls the local server unsigned, naming the caller with x-dev-principal (never asking for credentials)', async () => {
    const credentials = vi.fn();
    const options = parseCall(['GET', '/openapi.json', '--url', server.url], {}) as Exclude<ReturnType<typeof parseCall>, 'help'>;
    const request = prepareCall(options);
    expect([request.local, request.headers['x-dev-principal'], request.headers['authorization']]).toEqual([true, 'channel:mobile-bank', undefined]);
    const result = await call(options, { credentials });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toMatchObject({ openapi: '3.1.0' });
    expect(credentials).not.toHaveBeenCalled();
  });

  it('gives a POST a fresh Idempotency-Key unless one is given, and passes --as and --date as the local headers', () => {
    const options = parseCall(['POST', '/v1/facilities/F/repayments', '{"amount":"1.00"}', '--as', 'ops:desk', '--date', '2026-01-12', '--url', server.url], {});
    const request = prepareCall(options as Exclude<typeof options, 'help'>, () => 'fixed');
    expect(request.headers).toMatchObject({ 'idempotency-key': 'call-fixed', 'x-dev-principal': 'ops:desk', 'x-dev-business-date': '2026-01-12', 'content-type': 'application/json' });
  });
});

describe('the command line', () => {
  it.each([
    [[], /give a METHOD and a path/],
    [['FETCH', '/v1/x'], /METHOD must be one of/],
    [['GET', 'v1/x'], /must start with "\/"/],
    [['POST', '/v1/x', '{not json'], /the body is not JSON/],
  ])('refuses %j with usage', (argv, message) => {
    expect(() => parseCall(argv, {})).toThrow(message);
  });

  it('refuses the local-only headers and plain http for a deployed stage', () => {
    expect(() => prepareCall(parseCall(['GET', '/v1/x', '--url', STAGE, '--as', 'ops:x'], {}) as never)).toThrow(UsageError);
    expect(() => prepareCall(parseCall(['GET', '/v1/x', '--url', 'http://api.bank.example/live', '--region', 'cn-north-1'], {}) as never)).toThrow(/over https/);
  });

  it('takes the URL from CREDIT_API_URL and defaults to npm start', () => {
    expect(parseCall(['GET', '/v1/x'], { CREDIT_API_URL: STAGE })).toMatchObject({ url: STAGE });
    expect(parseCall(['GET', '/v1/x'], {})).toMatchObject({ url: 'http://127.0.0.1:3000' });
    expect(parseCall(['--help'], {})).toBe('help');
  });
});
