import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it, vi } from 'vitest';
import { buildOpenApi, type OpenApiDocument } from '#http/openapi.ts';
import { defineRoute, type AnyRoute } from '#http/route.ts';
import { API_EXAMPLES, API_INFO, API_SERVERS, routes } from '../../functions/routes.ts';
import * as z from '#api/z.ts';
import { apiEvent, context, sampleRoutes } from './support.ts';

async function expectValid(document: OpenApiDocument): Promise<void> {
  // validate() dereferences in place: give it a copy.
  const result = await validate(structuredClone(document) as never);
  expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  expect(result.warnings).toEqual([]);
}

type Operation = Record<string, unknown> & { parameters?: Record<string, unknown>[]; responses: Record<string, unknown> };

function operation(document: OpenApiDocument, method: string, path: string): Operation {
  return document.paths[path]?.[method.toLowerCase()] as Operation;
}

describe('the OpenAPI document of the registry', () => {
  const document = buildOpenApi(routes, API_INFO, API_SERVERS, API_EXAMPLES);

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expectValid(document);
  });

  it('documents every registered route', () => {
    for (const route of routes) {
      expect(operation(document, route.method, route.path)?.['operationId'], `${route.method} ${route.path}`).toBe(route.operation);
    }
  });

  it('documents nothing that is not registered', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('is what GET /openapi.json serves', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { handler } = await import('../../functions/openapi/handler.ts');
    vi.unstubAllEnvs();
    const result = await handler(apiEvent({ path: '/openapi.json' }), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual(JSON.parse(JSON.stringify(document)));
  });
});

describe('the OpenAPI generator', () => {
  const document = buildOpenApi(sampleRoutes, { title: 'Sample', version: '0.0.0' });

  it('produces a valid document for commands, lists, SME and public routes', async () => {
    await expectValid(document);
  });

  it('describes SigV4 and Cognito security and applies them per route', () => {
    expect(document.components.securitySchemes).toMatchObject({
      sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    expect(operation(document, 'POST', '/v1/facilities/{facilityId}/drawdowns')['security']).toEqual([{ sigv4: [] }]);
    expect(operation(document, 'GET', '/v1/me/facilities/{facilityId}')['security']).toEqual([{ cognito: [] }]);
    expect(operation(document, 'GET', '/v1/ping')['security']).toEqual([]);
  });

  it('offers a staff token (under /console) beside SigV4 on exactly the IAM routes open to ops', () => {
    const registry = buildOpenApi(routes, API_INFO, API_SERVERS);
    expect(registry.components.securitySchemes).toMatchObject({ staff: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: expect.stringContaining('/console') } });
    for (const route of routes as readonly AnyRoute[]) {
      const security = operation(registry, route.method, route.path)['security'];
      const opsByIam = route.auth === 'iam' && route.roles.includes('ops');
      expect(security, route.operation).toEqual(opsByIam ? [{ sigv4: [] }, { staff: [] }] : route.auth === 'iam' ? [{ sigv4: [] }] : route.auth === 'cognito' ? [{ cognito: [] }] : []);
    }
  });

  it('requires an Idempotency-Key header on commands and documents replays', () => {
    const command = operation(document, 'POST', '/v1/facilities/{facilityId}/drawdowns');
    expect(command.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
    expect(command.responses['201']).toMatchObject({ headers: { 'Idempotent-Replayed': expect.any(Object) } });
    const list = operation(document, 'GET', '/v1/ops/facilities');
    expect(list.parameters?.map((parameter) => parameter['name'])).not.toContain('Idempotency-Key');
  });

  it('turns path and query schemas into parameters, on their wire (string) side', () => {
    const command = operation(document, 'POST', '/v1/facilities/{facilityId}/drawdowns');
    expect(command.parameters?.[0]).toEqual({ name: 'facilityId', in: 'path', required: true, description: expect.any(String), schema: { $ref: '#/components/schemas/FacilityId' } });
    const list = operation(document, 'GET', '/v1/ops/facilities');
    expect(list.parameters).toContainEqual(expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'string' }) }));
  });

  it('documents money as a yuan string component, not as fen', () => {
    expect(document.components.schemas['Money']).toMatchObject({ type: 'string', pattern: expect.any(String), examples: ['50000.00', '0.01'] });
    const body = operation(document, 'POST', '/v1/facilities/{facilityId}/drawdowns')['requestBody'] as { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    expect(body.content['application/json']?.schema.properties['amount']).toEqual({ $ref: '#/components/schemas/Money' });
  });

  it('answers every error with a problem document, grouped by status with their codes', () => {
    const command = operation(document, 'POST', '/v1/facilities/{facilityId}/drawdowns');
    expect(Object.keys(command.responses)).toEqual(['201', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '502', '503', '504']);
    expect(command.responses['400']).toEqual({
      description: 'Problem document; code: validation-failed, idempotency-key-missing.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    // Even a public route without input: 400 for a malformed x-dev-* header under npm start; 429/502/504 from the gateway.
    expect(Object.keys(operation(document, 'GET', '/v1/ping').responses)).toEqual(['200', '400', '429', '500', '502', '503', '504']);
    expect(document.components.schemas['Problem']).toMatchObject({ required: ['type', 'title', 'status', 'detail', 'code'] });
  });

  it('refuses two routes on one method and path', () => {
    const twin = defineRoute({ ...sampleRoutes[3], operation: 'twin' });
    expect(() => buildOpenApi([sampleRoutes[3], twin], API_INFO)).toThrow('two routes for GET /v1/ping');
  });

  it('refuses two different schemas that share an id, and shares one schema used twice', () => {
    const route = (path: string, schema: z.core.$ZodType): AnyRoute =>
      defineRoute({ operation: path.slice(1), method: 'GET', path, auth: 'none', roles: ['anonymous'], summary: 's', responses: { 200: schema } });
    const shared = z.object({ a: z.string() }).check(z.meta({ id: 'TestShared' }));
    const shared2 = buildOpenApi([route('/one', shared), route('/two', z.object({ nested: shared }))], API_INFO);
    expect(Object.keys(shared2.components.schemas)).toContain('TestShared');
    const impostor = z.object({ b: z.int() }).check(z.meta({ id: 'TestShared' }));
    expect(() => buildOpenApi([route('/one', shared), route('/two', impostor)], API_INFO)).toThrow('two different schemas share the id "TestShared"');
  });
});
