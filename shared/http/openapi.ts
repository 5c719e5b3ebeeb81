/**
 * The OpenAPI 3.1 document, generated from the route registry and its zod schemas (the
 * single source): no schema is written twice. Schemas are converted on their wire side
 * (`io: 'input'`: money as yuan strings), and every schema with a meta `id` becomes a
 * component referenced by $ref.
 */
import type { $ZodType } from 'zod/v4/core';
import { ProblemSchema } from './problem-schema.ts';
import * as z from '../api/z.ts';
import { statusOf } from './errors.ts';
import { DEV_BUSINESS_DATE_HEADER, DEV_PRINCIPAL_HEADER } from './dev.ts';
import { PRINCIPAL_ID_PATTERN } from './principal.ts';
import { acceptsStaffToken, CONSOLE_PREFIX, OPS_GROUP } from './auth.ts';
import { IDEMPOTENCY_KEY_PATTERN, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.ts';
import { JSON_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, type ProblemCode } from './problem.ts';
import { standardErrors, type AnyRoute } from './route.ts';

export type ApiInfo = {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  /** OpenAPI 3.1 License Object: a name and an SPDX identifier (or a url). */
  readonly license?: { readonly name: string; readonly identifier?: string; readonly url?: string };
};

/** An OpenAPI Server Object: where the API is reached (variables fill `{…}` in the url). */
export type ApiServer = {
  readonly url: string;
  readonly description: string;
  readonly variables?: Readonly<Record<string, { readonly default: string; readonly enum?: readonly string[]; readonly description?: string }>>;
};

type Json = Record<string, unknown>;

/**
 * An operation's examples for the API reference, in wire format: a request body and response
 * bodies by status, problem documents included (functions/examples.json: what the README's
 * walk-throughs send and get back).
 */
export type OperationExamples = { readonly request?: unknown; readonly responses?: { readonly [status: string]: unknown } };

export type OpenApiDocument = {
  readonly openapi: '3.1.0';
  readonly info: ApiInfo;
  readonly servers: readonly ApiServer[];
  readonly tags: readonly Json[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, Json>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, Json>>;
    readonly parameters: Readonly<Record<string, Json>>;
    readonly responses: Readonly<Record<string, Json>>;
    readonly securitySchemes: Readonly<Record<string, Json>>;
  };
};

const COMPONENT_PREFIX = '#/components/schemas/';

const SECURITY_SCHEMES = {
  sigv4: {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: 'AWS Signature Version 4 (IAM). Bank channels and operations systems sign each request with their IAM role.',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
  cognito: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An SME user signed in through the Cognito user pool; the token carries the borrower_id claim.',
  },
  staff: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `Operations staff signed in through the staff user pool, members of its \`${OPS_GROUP}\` group: the ID token, on the same operation under \`${CONSOLE_PREFIX}\` (e.g. ${CONSOLE_PREFIX}/v1/ops/lpr). What the operations console sends.`,
  },
} as const;

/** How a route is authenticated: SigV4, or for the routes open to ops also a staff token (under CONSOLE_PREFIX); Cognito for SMEs. */
function securityOf(route: AnyRoute): Record<string, never[]>[] {
  if (route.auth === 'none') return [];
  if (route.auth === 'cognito') return [{ cognito: [] }];
  return acceptsStaffToken(route) ? [{ sigv4: [] }, { staff: [] }] : [{ sigv4: [] }];
}

const TAGS = [
  { name: 'channel', description: 'Bank channels (IAM): facilities, drawdowns, repayments, statements, quotes.' },
  { name: 'sme', description: 'SME self-service (Cognito): own facilities, statements, renewal.' },
  { name: 'ops', description: `Operations (IAM, or a staff token under ${CONSOLE_PREFIX}): LPR, borrower profiles, reviews, end of day.` },
  { name: 'public', description: 'No authentication.' },
];

/**
 * The x-dev-* headers of `npm start` (shared/http/dev.ts): documented so a reader of the local
 * /docs can try the API, and marked local-only: deployed functions ignore them.
 */
const DEV_PARAMETERS: Record<string, Json> = {
  DevPrincipal: {
    name: DEV_PRINCIPAL_HEADER,
    in: 'header',
    required: false,
    description:
      'LOCAL ONLY (npm start, LOCAL_DEV=1): the caller, instead of SigV4 or a Cognito token: channel:<id>, ops:<id> or sme:<borrowerId>. Deployed functions ignore it.',
    schema: { type: 'string', pattern: `^(channel|ops|sme):${PRINCIPAL_ID_PATTERN.source.slice(1, -1)}$`, examples: ['channel:mobile-bank'] },
  },
  DevBusinessDate: {
    name: DEV_BUSINESS_DATE_HEADER,
    in: 'header',
    required: false,
    description: "LOCAL ONLY (npm start, LOCAL_DEV=1): the request's business date, to play a facility's life through months. Deployed functions ignore it.",
    schema: { type: 'string', format: 'date', examples: ['2026-01-20'] },
  },
};

/** What API Gateway answers by itself, on any operation (infra/constructs/http-api.ts gateway responses). */
const GATEWAY_RESPONSES: Record<string, { status: number; description: string; retryAfter?: boolean }> = {
  TooManyRequests: { status: 429, description: "API Gateway's stage throttling or quota: problem document, code too-many-requests. Retry after a short pause.", retryAfter: false },
  BadGateway: { status: 502, description: 'API Gateway got no valid answer from the function (it crashed): problem document, code internal-error. A command may or may not have been booked: retry it with the same Idempotency-Key.' },
  GatewayTimeout: {
    status: 504,
    description: 'The function or API Gateway ran out of time: problem document, code gateway-timeout. The request may still complete: retry a command only with the same Idempotency-Key (it is booked at most once).',
  },
};

/**
 * Builds the document; throws if two routes collide, two different schemas share an id, or an
 * example names an operation, a request body or a status its route does not have.
 */
export function buildOpenApi(
  routes: readonly AnyRoute[],
  info: ApiInfo,
  servers: readonly ApiServer[] = [],
  examples: Readonly<Record<string, OperationExamples>> = {},
): OpenApiDocument {
  for (const [operation, example] of Object.entries(examples)) {
    const route = routes.find((candidate) => candidate.operation === operation);
    if (route === undefined) throw new Error(`examples for ${operation}, which is not a route`);
    if (example.request !== undefined && route.request?.body === undefined) throw new Error(`an example request for ${operation}, which takes no body`);
    const errorStatuses = new Set([...problemCodesOf(route)].map((code) => String(statusOf(code))));
    for (const { status } of Object.values(GATEWAY_RESPONSES)) errorStatuses.delete(String(status));
    const undeclared = Object.keys(example.responses ?? {}).filter((status) => !Object.hasOwn(route.responses, status) && !errorStatuses.has(status));
    if (undeclared.length > 0) throw new Error(`example responses ${undeclared.join(', ')} for ${operation}, which does not answer with them`);
  }
  const schemas = new SchemaConverter();
  const paths: Record<string, Record<string, Json>> = {};
  const operationIds = new Set<string>();
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const method = route.method.toLowerCase();
    const item = (paths[route.path] ??= {});
    if (item[method] !== undefined) throw new Error(`two routes for ${route.method} ${route.path}`);
    if (operationIds.has(route.operation)) throw new Error(`two routes named ${route.operation}`);
    operationIds.add(route.operation);
    item[method] = operationOf(route, schemas, examples[route.operation]);
  }
  const problem = schemas.convert(ProblemSchema);
  const responses = Object.fromEntries(
    Object.entries(GATEWAY_RESPONSES).map(([name, { description }]) => [name, { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } } }]),
  );
  return {
    openapi: '3.1.0',
    info,
    servers,
    tags: TAGS,
    paths,
    components: { schemas: schemas.components(), parameters: DEV_PARAMETERS, responses, securitySchemes: SECURITY_SCHEMES },
  };
}

function operationOf(route: AnyRoute, schemas: SchemaConverter, examples: OperationExamples | undefined): Json {
  const parameters = [
    ...(route.request?.path === undefined ? [] : schemas.parameters(route.request.path, 'path')),
    ...(route.request?.query === undefined ? [] : schemas.parameters(route.request.query, 'query')),
    ...(route.requiresIdempotencyKey ? [IDEMPOTENCY_KEY_PARAMETER] : []),
    ...(route.auth === 'none' ? [] : [{ $ref: '#/components/parameters/DevPrincipal' }, { $ref: '#/components/parameters/DevBusinessDate' }]),
  ];
  const example = examples?.request;
  return {
    operationId: route.operation,
    summary: route.summary,
    description: route.description ?? route.summary,
    tags: [tagOf(route)],
    security: securityOf(route),
    'x-roles': route.roles,
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.request?.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { [JSON_CONTENT_TYPE]: { schema: schemas.convert(route.request.body), ...(example === undefined ? {} : { example }) } },
          },
        }),
    responses: { ...successResponses(route, schemas, examples), ...errorResponses(route, schemas, examples) },
  };
}

const IDEMPOTENCY_KEY_PARAMETER: Json = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'A key unique to this command. Sending it again with the same request returns the original response (with Idempotent-Replayed: true); with a different request, 422 idempotency-key-reused.',
  schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: IDEMPOTENCY_KEY_PATTERN.source },
};

function successResponses(route: AnyRoute, schemas: SchemaConverter, examples: OperationExamples | undefined): Json {
  const responses: Json = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    const example = examples?.responses?.[status];
    responses[status] = {
      description: Number(status) === 201 ? 'Created' : 'OK',
      ...(route.requiresIdempotencyKey
        ? {
            headers: {
              'Idempotent-Replayed': {
                description: 'Present when this is the stored response of an earlier request with the same Idempotency-Key.',
                schema: { type: 'string', enum: ['true'] },
              },
            },
          }
        : {}),
      content: {
        [JSON_CONTENT_TYPE]: { schema: schemas.convert(schema), ...(example === undefined ? {} : { example }) },
        // The same figures as text, one row per figure or posting, when Accept asks for it.
        ...Object.fromEntries((route.alsoAs ?? []).map((type) => [type, { schema: { type: 'string' } }])),
      },
    };
  }
  return responses;
}

/** Every problem code a route can answer with. */
function problemCodesOf(route: AnyRoute): Set<ProblemCode> {
  return new Set<ProblemCode>([...standardErrors(route), ...(route.errors ?? []), 'internal-error', 'gateway-timeout']);
}

/** The problem codes a route can answer with, grouped by status (the gateway's own answers by reference). */
function errorResponses(route: AnyRoute, schemas: SchemaConverter, examples: OperationExamples | undefined): Json {
  const codes = problemCodesOf(route);

  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  const problem = schemas.convert(ProblemSchema);
  const responses: Json = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Problem document; code: ${statusCodes.join(', ')}.`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problem, ...(examples?.responses?.[String(status)] === undefined ? {} : { example: examples.responses[String(status)] }) } },
    };
  }
  for (const [name, { status }] of Object.entries(GATEWAY_RESPONSES)) responses[String(status)] = { $ref: `#/components/responses/${name}` };
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

function tagOf(route: AnyRoute): string {
  if (route.auth === 'none') return 'public';
  if (route.auth === 'cognito') return 'sme';
  return route.roles.includes('channel') ? 'channel' : 'ops';
}

/** zod → JSON Schema, hoisting every schema that has a meta `id` into components. */
class SchemaConverter {
  readonly #components = new Map<string, Json>();
  readonly #converted = new Map<$ZodType, Json>();

  convert(schema: $ZodType): Json {
    const cached = this.#converted.get(schema);
    if (cached !== undefined) return cached;
    const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as Json;
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, Json>)) this.#addComponent(id, rewriteRefs(definition));
    const converted = rewriteRefs(rest);
    this.#converted.set(schema, converted);
    return converted;
  }

  /** One OpenAPI parameter per property of an object schema. */
  parameters(schema: $ZodType, location: 'path' | 'query'): Json[] {
    const object = this.#resolve(this.convert(schema));
    const required = new Set((object['required'] ?? []) as string[]);
    return Object.entries((object['properties'] ?? {}) as Record<string, Json>).map(([name, property]) => {
      const description = this.#resolve(property)['description'];
      return {
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: property,
      };
    });
  }

  components(): Record<string, Json> {
    return Object.fromEntries([...this.#components].sort(([a], [b]) => a.localeCompare(b)));
  }

  #resolve(schema: Json): Json {
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    const component = this.#components.get(ref.slice(COMPONENT_PREFIX.length));
    if (component === undefined) throw new Error(`unresolved schema reference ${ref}`);
    return component;
  }

  #addComponent(id: string, definition: Json): void {
    const existing = this.#components.get(id);
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition)) {
      throw new Error(`two different schemas share the id "${id}"`);
    }
    this.#components.set(id, definition);
  }
}

/** Points zod's local `#/$defs/X` references at the document's components. */
function rewriteRefs<T>(value: T): T {
  if (Array.isArray(value)) return value.map(rewriteRefs) as T;
  if (typeof value !== 'object' || value === null) return value;
  const rewritten: Json = {};
  for (const [key, child] of Object.entries(value)) {
    rewritten[key] = key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/') ? COMPONENT_PREFIX + child.slice(8) : rewriteRefs(child);
  }
  return rewritten as T;
}
