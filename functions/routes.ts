/**
 * The route registry: every operation of the API, listed once. The OpenAPI document
 * (shared/http/openapi.ts), the local server (local/server.ts) and the CDK API construct
 * read this array. A handler imports its own route by name from functions/routes/<area>.ts,
 * never this registry: its bundle then holds that route's definition and schemas only
 * (defineRoute is free of side effects, so esbuild drops the others; test/infra/bundling.test.ts).
 *
 * Adding an operation is one route in an area file plus one handler file:
 *
 *   1. functions/routes/channel.ts (schemas live in shared/api/<area>.ts), and its name in channelRoutes:
 *        export const drawdownRoute = defineRoute({
 *          operation: 'drawdown',                       // → functions/drawdown/handler.ts
 *          method: 'POST',                              // POST ⇒ Idempotency-Key required
 *          path: '/v1/facilities/{facilityId}/drawdowns',
 *          auth: 'iam', roles: ['channel'],
 *          summary: 'Draw down on a facility',
 *          request: { path: FacilityPath, body: DrawdownRequest },
 *          responses: { 201: DrawdownResponse },
 *          errors: ['insufficient-available-limit', 'facility-frozen'],
 *        });
 *   2. functions/drawdown/handler.ts:
 *        export const handler = httpHandler(drawdownRoute, async (ctx) => { … });
 *
 * test/http/routes.test.ts checks that every entry has its handler file and that the
 * OpenAPI document covers exactly these routes.
 */
import { defineRoute } from '#http/route.ts';
import { channelRoutes } from './routes/channel.ts';
import { opsRoutes } from './routes/ops.ts';
import { smeRoutes } from './routes/sme.ts';
import type { ApiInfo, ApiServer, OperationExamples } from '#http/openapi.ts';
import examples from './examples.json' with { type: 'json' };
import { OpenApiDocumentSchema } from '#api/openapi.ts';

export const API_INFO: ApiInfo = {
  title: 'Revolving credit service',
  version: '1.0.0',
  description:
    'Borrow-as-needed revolving credit lines (随借随还) and renewal without repaying principal first (无还本续贷) for SMEs. ' +
    'Money is a yuan string with at most 2 decimals; rates are percent strings; dates are YYYY-MM-DD in Asia/Shanghai. ' +
    'Errors are RFC 9457 problem documents with a stable code. Bank systems sign requests with SigV4 (docs/onboarding.md); ' +
    'SMEs send a Cognito ID token. A facility\'s business date only moves forward.',
  license: { name: 'Proprietary: for the bank and the integrators it licenses', identifier: 'LicenseRef-Proprietary' },
};

/** Where the API is reached: `npm start`, and a deployed stage (its URL is the CreditApi stack's HttpApiEndpoint… output). */
export const API_SERVERS: readonly ApiServer[] = [
  { url: 'http://127.0.0.1:3000', description: 'npm start: the real handlers on an embedded store; x-dev-* headers stand in for SigV4 and Cognito' },
  {
    url: 'https://{restApiId}.execute-api.{region}.{domain}/{stage}',
    description: 'A deployed stage (SigV4 or a Cognito ID token; see docs/onboarding.md)',
    variables: {
      restApiId: { default: 'abcdef1234', description: 'The REST API id (CreditApi stack output)' },
      region: { default: 'cn-north-1', enum: ['cn-north-1', 'cn-northwest-1', 'ap-east-1', 'ap-southeast-1'], description: 'The AWS region' },
      domain: { default: 'amazonaws.com.cn', enum: ['amazonaws.com.cn', 'amazonaws.com'], description: 'amazonaws.com.cn in the aws-cn partition (Beijing, Ningxia)' },
      stage: { default: 'live', description: 'The API Gateway stage' },
    },
  },
];

/**
 * Request and response examples of the API reference: what the README's walk-throughs send and
 * get back, captured by test/e2e/readme-examples.test.ts (which fails when they no longer match;
 * `npx vitest run test/e2e/readme-examples.test.ts -u` rewrites the file). Only the openapi
 * function imports this: no handler bundle carries the examples.
 */
export const API_EXAMPLES: Readonly<Record<string, OperationExamples>> = examples;

export const routes = [
  ...channelRoutes,
  ...smeRoutes,
  ...opsRoutes,
  defineRoute({
    operation: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    auth: 'none',
    roles: ['anonymous'],
    summary: 'This API as an OpenAPI 3.1 document',
    description:
      'This document: generated from the same zod schemas the handlers validate with.',
    responses: { 200: OpenApiDocumentSchema },
  }),
] as const;

export type RegisteredRoute = (typeof routes)[number];
export type Operation = RegisteredRoute['operation'];

/** The registry entry of `operation`, with its full type (schemas, roles, idempotency). */
export function routeOf<O extends Operation>(operation: O): Extract<RegisteredRoute, { readonly operation: O }> {
  const route = routes.find((candidate) => candidate.operation === operation);
  if (route === undefined) throw new Error(`no route registered for operation ${operation}`);
  return route as Extract<RegisteredRoute, { readonly operation: O }>;
}
