/**
 * The registry's own OpenAPI document (GET /openapi.json, /docs): complete for an integrator —
 * a description on every operation, examples that match their schemas, servers, a licence —
 * and clean under `redocly lint` with the recommended rules.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from '#api/z.ts';
import { statusOf } from '#http/errors.ts';
import { buildOpenApi } from '#http/openapi.ts';
import type { ProblemCode } from '#http/problem.ts';
import { ProblemSchema } from '#http/problem-schema.ts';
import type { AnyRoute } from '#http/route.ts';
import { API_EXAMPLES, API_INFO, API_SERVERS, routes } from '../../functions/routes.ts';

const run = promisify(execFile);
const document = buildOpenApi(routes, API_INFO, API_SERVERS, API_EXAMPLES);
const registry: readonly AnyRoute[] = routes;
const dir = mkdtempSync(join(tmpdir(), 'credit-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI document of the registry', () => {
  it.each(registry.map((route) => [route.operation, route] as const))('%s has a description of its own, beyond its summary', (_, route) => {
    expect(route.description, route.operation).toBeDefined();
    expect(route.description).not.toBe(route.summary);
  });

  it.each(Object.entries(API_EXAMPLES))("%s: its examples (functions/examples.json) are valid requests and responses, and in the document", (operation, examples) => {
    const route = registry.find((candidate) => candidate.operation === operation);
    expect(route, `${operation} is not a route`).toBeDefined();
    const documented = Object.values(document.paths[route!.path] ?? {}).find((op) => op['operationId'] === operation) as Record<string, any>;
    if (examples.request !== undefined) {
      expect(route!.request?.body, 'an example request needs a body schema').toBeDefined();
      expect(z.safeParse(route!.request!.body!, examples.request).error?.issues ?? []).toEqual([]);
      expect(documented['requestBody'].content['application/json'].example).toEqual(examples.request);
    }
    expect(Object.keys(examples.responses ?? {}).length, `${operation} has no example response`).toBeGreaterThan(0);
    for (const [status, body] of Object.entries(examples.responses ?? {})) {
      if (Number(status) >= 400) {
        // A problem document: of the schema, with a code the operation documents under that status.
        expect(z.safeParse(ProblemSchema, body).error?.issues ?? [], `${operation} ${status}`).toEqual([]);
        expect(statusOf((body as { code: ProblemCode }).code)).toBe(Number(status));
        expect(documented['responses'][status].description).toContain((body as { code: string }).code);
        expect(documented['responses'][status].content['application/problem+json'].example).toEqual(body);
        continue;
      }
      const schema = (route!.responses as Record<string, z.core.$ZodType>)[status];
      expect(schema, `${operation} has no ${status} response`).toBeDefined();
      // The wire format: what a client sends and receives (decoding checks it as the server would).
      expect(z.safeParse(schema!, body).error?.issues ?? [], `${operation} ${status}`).toEqual([]);
      expect(documented['responses'][status].content['application/json'].example).toEqual(body);
    }
  });

  it('refuses an example for an operation, a body or a status the route does not have', () => {
    expect(() => buildOpenApi(routes, API_INFO, API_SERVERS, { nope: { responses: { 200: {} } } })).toThrow('examples for nope, which is not a route');
    expect(() => buildOpenApi(routes, API_INFO, API_SERVERS, { 'get-facility': { request: {} } })).toThrow('takes no body');
    expect(() => buildOpenApi(routes, API_INFO, API_SERVERS, { drawdown: { responses: { 200: {} } } })).toThrow('example responses 200 for drawdown');
    // 409 is no status of a GET on a facility; 504 is the gateway's own answer.
    expect(() => buildOpenApi(routes, API_INFO, API_SERVERS, { 'get-facility': { responses: { 409: {}, 504: {} } } })).toThrow('example responses 409, 504 for get-facility');
  });

  it('names where the API is reached (npm start and a deployed stage) and its licence', () => {
    expect(document.servers.map((server) => server.url)).toEqual(['http://127.0.0.1:3000', 'https://{restApiId}.execute-api.{region}.{domain}/{stage}']);
    expect(document.info.license).toMatchObject({ identifier: 'LicenseRef-Proprietary' });
  });

  it('documents the x-dev-* headers as local only, and the gateway answers 429, 502 and 504 on every operation', () => {
    expect(String(document.components.parameters['DevPrincipal']?.['description'])).toMatch(/^LOCAL ONLY/);
    expect(String(document.components.parameters['DevBusinessDate']?.['description'])).toMatch(/^LOCAL ONLY/);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(Object.keys(operation['responses'] as object), `${method} ${path}`).toEqual(expect.arrayContaining(['429', '500', '502', '503', '504']));
      }
    }
  });

  it('is clean under redocly lint with the recommended rules (no errors, no warnings)', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const bin = join(process.cwd(), 'node_modules', '.bin', 'redocly');
    const { stdout } = await run(bin, ['lint', file, '--extends', 'recommended', '--format', 'json'], { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 120_000 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }),
    );
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
