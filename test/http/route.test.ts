import { describe, expect, it } from 'vitest';
import { defineRoute, objectKeys, standardErrors, type RouteSpec } from '#http/route.ts';
import { FacilityId } from '#api/primitives.ts';
import * as z from '#api/z.ts';

const ok = z.object({ ok: z.boolean() });
const base = {
  operation: 'sample',
  method: 'GET',
  path: '/v1/facilities/{facilityId}',
  auth: 'iam',
  roles: ['channel'],
  summary: 'x',
  request: { path: z.object({ facilityId: FacilityId }) },
  responses: { 200: ok },
} as const satisfies RouteSpec;

describe('defineRoute', () => {
  it('completes a route with its path parameters and Idempotency-Key rule', () => {
    const route = defineRoute(base);
    expect(route.pathParameters).toEqual(['facilityId']);
    expect(route.requiresIdempotencyKey).toBe(false);
    expect(defineRoute({ ...base, method: 'POST' }).requiresIdempotencyKey).toBe(true);
    expect(defineRoute({ ...base, method: 'POST', idempotencyKey: false }).requiresIdempotencyKey).toBe(false);
    expect(defineRoute({ ...base, method: 'PUT', idempotencyKey: true }).requiresIdempotencyKey).toBe(true);
    expect(Object.isFrozen(route)).toBe(true);
  });

  it('gives a route its kind: GET is a query, anything else a command, unless it says (a POST preview)', () => {
    expect(defineRoute(base).kind).toBe('query');
    expect(defineRoute({ ...base, method: 'POST' }).kind).toBe('command');
    const preview = defineRoute({ ...base, method: 'POST', kind: 'query' });
    expect([preview.kind, preview.requiresIdempotencyKey]).toEqual(['query', false]);
  });

  it('derives the standard error codes from the kind: a command on a facility may conflict and meet a later business date', () => {
    expect(standardErrors(defineRoute(base))).toEqual(['validation-failed', 'unauthenticated', 'forbidden', 'not-found', 'service-unavailable']);
    expect(standardErrors(defineRoute({ ...base, method: 'POST', request: { ...base.request, body: ok } }))).toEqual([
      'validation-failed',
      'idempotency-key-missing',
      'idempotency-key-reused',
      'unauthenticated',
      'forbidden',
      'not-found',
      'unsupported-media-type',
      'payload-too-large',
      'date-before-last-event',
      'concurrent-modification',
      'service-unavailable',
    ]);
  });

  it.each<[string, Partial<RouteSpec>, RegExp]>([
    ['an operation that is not a folder name', { operation: 'Drawdown' }, /lower-case folder name/],
    ['a path without a leading slash', { path: 'v1/x', request: {} }, /must start with "\/"/],
    ['a malformed segment', { path: '/v1/{facility-id}', request: {} }, /neither a literal nor a \{parameter\}/],
    ['a repeated parameter', { path: '/v1/{facilityId}/{facilityId}' }, /appears twice/],
    ['a path schema that misses a parameter', { request: { path: z.object({}) } }, /exactly \{facilityId\}/],
    ['a path schema with an extra key', { request: { path: z.object({ facilityId: FacilityId, other: z.string() }) } }, /exactly/],
    ['no path schema for a template', { request: {} }, /request.path must be an object schema/],
    ['a non-object query schema', { request: { path: base.request.path, query: z.string() } }, /request.query must be an object schema/],
    ['a body on GET', { request: { path: base.request.path, body: ok } }, /GET takes no body/],
    ['an Idempotency-Key on GET', { kind: 'command', idempotencyKey: true }, /only POST, PUT and PATCH/],
    ['an Idempotency-Key on a query', { method: 'POST', kind: 'query', idempotencyKey: true }, /a query takes no Idempotency-Key/],
    ['a standard error code listed again', { errors: ['not-found'] }, /errors repeats not-found, which every query like it answers with/],
    ['no roles', { roles: [] }, /declare the roles/],
    ['an SME on an IAM route', { roles: ['sme'] }, /auth 'iam' cannot authenticate role\(s\) sme/],
    ['a channel on a Cognito route', { auth: 'cognito', roles: ['channel'] }, /auth 'cognito' cannot authenticate/],
    ['a signed-in role on a public route', { auth: 'none', roles: ['ops'] }, /auth 'none' cannot authenticate/],
    ['no responses', { responses: {} }, /at least one response/],
    ['an error status as a response', { responses: { 200: ok, 404: ok } }, /2xx only/],
  ])('refuses %s at init', (_, change, message) => {
    expect(() => defineRoute({ ...base, ...change } as RouteSpec)).toThrow(message);
  });

  it('names the route in its complaint', () => {
    expect(() => defineRoute({ ...base, roles: [] })).toThrow(/^route sample \(GET \/v1\/facilities\/\{facilityId\}\): /);
  });
});

describe('objectKeys', () => {
  it('reads the keys of object schemas only', () => {
    expect(objectKeys(z.strictObject({ b: z.string(), a: z.string() }))).toEqual(['a', 'b']);
    expect(objectKeys(z.string())).toBeUndefined();
    expect(objectKeys(undefined)).toBeUndefined();
  });
});
