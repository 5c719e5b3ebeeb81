import { compileErrors, validate } from '@readme/openapi-parser';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { docsPages } from '../../local/docs.ts';
import { originFormUrl, startServer, type LocalServer } from '../../local/server.ts';
import { fixtureRoutes } from './fixtures/routes.ts';

let server: LocalServer;
let fixtures: LocalServer;
const errors = vi.fn();
const previousLocalDev = process.env['LOCAL_DEV'];

beforeAll(async () => {
  // Handlers build their loggers when first loaded, after this: keep the test output clean.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  server = await startServer({ routes, port: 0, pages: docsPages() });
  fixtures = await startServer({
    routes: fixtureRoutes,
    port: 0,
    functionsDir: fileURLToPath(new URL('./fixtures/', import.meta.url)),
    onError: errors,
  });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
  await fixtures.close();
  if (previousLocalDev === undefined) delete process.env['LOCAL_DEV'];
  else process.env['LOCAL_DEV'] = previousLocalDev;
});

describe('the local server', () => {
  it('listens on 127.0.0.1 and a free port when asked for port 0', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
  });

  it('serves GET /openapi.json through the real handler', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const result = await validate((await response.json()) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('serves the API reference at /docs from the bundled Swagger UI (no CDN), reading /openapi.json', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script src="/docs/swagger-ui-bundle.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toContain("url: '/openapi.json'");
    const bundle = await fetch(`${server.url}/docs/swagger-ui-bundle.js`);
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    // Only GET and HEAD: anything else on /docs is not a page.
    expect((await fetch(`${server.url}/docs`, { method: 'POST' })).status).toBe(404);
  });

  it('answers an unknown path with a 404 problem document', async () => {
    const response = await fetch(`${server.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, code: 'not-found', instance: '/v1/nothing-here' });
  });

  it('answers another method on a known path with 405 and Allow', async () => {
    const response = await fetch(`${server.url}/openapi.json`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toMatchObject({ code: 'method-not-allowed' });
  });

  it('hands a handler the event API Gateway would: path, query, headers, body, dev principal', async () => {
    const response = await fetch(`${fixtures.url}/v1/items/FAC-9/echo?limit=7`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': 'local-key-1',
        'X-Dev-Principal': 'channel:counter',
        'X-Dev-Business-Date': '2026-03-20',
      },
      body: JSON.stringify({ amount: '1533.33' }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      itemId: 'FAC-9',
      limit: 7,
      amountFen: 153_333,
      principal: 'channel:counter',
      businessDate: '2026-03-20',
      idempotencyKey: 'local-key-1',
      requestId: response.headers.get('x-amzn-requestid'),
    });
  });

  it('passes the handler’s problem documents through', async () => {
    const response = await fetch(`${fixtures.url}/v1/items/FAC-9/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-principal': 'channel:counter' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'idempotency-key-missing' });
  });

  it('answers 500 when a route’s handler cannot be loaded, and says why on its own log', async () => {
    const response = await fetch(`${fixtures.url}/v1/items/x/echo`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'internal-error' });
    expect(errors).toHaveBeenCalledWith('GET /v1/items/x/echo failed', expect.any(Error));
  });
});

/** A GET with the request target sent as given (fetch would normalise it). */
function getTarget(base: string, target: string): Promise<{ status: number; contentType: string | undefined; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), path: target, method: 'GET', agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes on a socket, for requests no HTTP client would send; the raw response text. */
function rawRequest(base: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('request targets the local server cannot route', () => {
  const cases = [
    ['an empty authority', '//'],
    ['a network-path reference', '//evil.example/v1/facilities/F-1'],
    ['the absolute form', 'http://127.0.0.1/openapi.json'],
    ['the absolute form naming another host', 'http://evil.example/openapi.json'],
    ['the asterisk form', '*'],
  ] as const;

  for (const [name, target] of cases) {
    it(`answers ${name} (${target}) with a 400 problem document, not 500`, async () => {
      const response = await getTarget(server.url, target);
      expect(response.status).toBe(400);
      expect(response.contentType).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ path: 'requestTarget' }] });
    });
  }

  it('answers a request node cannot parse at all with a 400 problem document', async () => {
    const response = await rawRequest(server.url, 'GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n');
    const [head = '', body = ''] = response.split('\r\n\r\n', 2);
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'validation-failed' });
  });

  it('still serves origin-form targets, with their query', () => {
    expect(originFormUrl('/v1/facilities/F-1?asOf=2026-01-20')?.searchParams.get('asOf')).toBe('2026-01-20');
    expect(originFormUrl('/')?.pathname).toBe('/');
    expect(originFormUrl(undefined)).toBeUndefined();
    expect(originFormUrl('v1/facilities')).toBeUndefined();
  });
});
