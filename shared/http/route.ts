/**
 * Route definitions: the one description of an operation that its handler, the OpenAPI
 * document, the local server and the CDK API all read. `defineRoute` checks a definition at
 * init, so a route whose path, roles or schemas disagree never deploys.
 */
import type { $ZodObject, $ZodType, input, output } from 'zod/v4/core';
import type { RefusalCode } from './problem.ts';
import type { AuthType } from './auth.ts';
import type { Role } from './principal.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSchemas {
  /** The JSON body; decoded values (fen, ppm) are what the handler sees. */
  readonly body?: $ZodType;
  /** Query parameters, as strings (use codecs such as PageLimit for numbers). */
  readonly query?: $ZodType;
  /** Path parameters: an object schema with exactly the path template's names. */
  readonly path?: $ZodType;
}

/** Success responses by status; errors are always problem documents and need no entry. */
type ResponseSchemas = { readonly [status: number]: $ZodType };

export interface RouteSpec {
  /** The function's folder: functions/<operation>/handler.ts. Also the OpenAPI operationId. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** API Gateway style: /v1/facilities/{facilityId}/drawdowns */
  readonly path: string;
  readonly auth: AuthType;
  /** Who may call: 'channel' | 'ops' for iam, 'sme' for cognito, 'anonymous' (everyone) for none. */
  readonly roles: readonly Role[];
  readonly summary: string;
  /** What the operation does, for the API reference (every registered route has one: test/http/routes.test.ts). */
  readonly description?: string;
  /**
   * 'query' reads only: read-only table access, no Idempotency-Key, no conflict errors.
   * 'command' may write. Default: 'query' for GET, 'command' otherwise (a POST preview says 'query').
   * The standard error codes of a route follow from its kind (standardErrors below).
   */
  readonly kind?: RouteKind;
  /** Commands only: whether an Idempotency-Key header is required. Default: true for POST commands. */
  readonly idempotencyKey?: boolean;
  readonly request?: RequestSchemas;
  readonly responses: ResponseSchemas;
  /**
   * The operation's own business error codes, beyond the standard ones its kind, auth and
   * inputs imply (standardErrors): documented in OpenAPI.
   */
  readonly errors?: readonly RefusalCode[];
  /** Other media types the success response is also available in, chosen by the Accept header (e.g. text/csv). */
  readonly alsoAs?: readonly 'text/csv'[];
}

export type RouteKind = 'command' | 'query';

type KindOf<S extends RouteSpec> = S extends { readonly kind: infer K extends RouteKind } ? K : S extends { readonly method: 'GET' } ? 'query' : 'command';

type KeyRequired<S extends RouteSpec> =
  KindOf<S> extends 'query'
    ? false
    : S extends { readonly idempotencyKey: infer K extends boolean }
      ? K
      : S extends { readonly method: 'POST' }
        ? true
        : false;

export type Route<S extends RouteSpec = RouteSpec> = S & {
  readonly kind: KindOf<S>;
  readonly requiresIdempotencyKey: KeyRequired<S>;
  /** The `{names}` of the path template, in order. */
  readonly pathParameters: readonly string[];
};

/** Any defined route, for code that handles routes generically (OpenAPI, local server). */
export type AnyRoute = RouteSpec & { readonly kind: RouteKind; readonly requiresIdempotencyKey: boolean; readonly pathParameters: readonly string[] };

type RequestPart<R, K extends keyof RequestSchemas> = R extends { readonly request: { readonly [P in K]: infer S extends $ZodType } }
  ? output<S>
  : undefined;

/** The decoded body, query and path parameters of a route. */
export type BodyOf<R> = RequestPart<R, 'body'>;
export type QueryOf<R> = RequestPart<R, 'query'>;
export type PathOf<R> = RequestPart<R, 'path'>;

/** The statuses a route documents. */
export type StatusOf<R> = R extends { readonly responses: infer M } ? keyof M & number : never;

/**
 * What a handler returns: one of the route's documented statuses with its wire-format body. A
 * use-case's Reply (shared/app/facilities.ts) is one as it is. `S` narrows to the statuses the
 * handler actually returns (inferred; see httpHandler).
 */
export type HandlerResult<R, S extends StatusOf<R> = StatusOf<R>> = S extends unknown
  ? {
      readonly status: S;
      readonly body: R extends { readonly responses: { readonly [K in S]: infer Schema extends $ZodType } } ? input<Schema> : never;
      readonly headers?: Readonly<Record<string, string>>;
      /** True when an idempotent command answers with its stored original response. */
      readonly replayed?: boolean;
      /** Appends the command lost to concurrent ones before it went through (emitted as ConcurrencyRetries). */
      readonly retries?: number;
      /** Sent instead of the JSON body when the client asked for it (e.g. text/csv); `body` is the same data as JSON. */
      readonly text?: { readonly contentType: string; readonly body: string };
    }
  : never;

const OPERATION_PATTERN = /^[a-z][a-z0-9-]*$/;
const LITERAL_SEGMENT = /^[A-Za-z0-9._-]+$/;
const PARAMETER_SEGMENT = /^\{([A-Za-z][A-Za-z0-9]*)\}$/;
const BODY_METHODS: readonly HttpMethod[] = ['POST', 'PUT', 'PATCH'];

/**
 * Checks a route definition and completes it; throws at init on any inconsistency.
 *
 * Each route file marks its calls pure (a PURE annotation comment before defineRoute, at the call
 * site): a function's bundle then keeps the one route its handler imports, and esbuild drops the
 * neighbours' definitions (it honours a call-site annotation across files, not a declaration's
 * NO_SIDE_EFFECTS). test/infra/bundling.test.ts checks it. Every definition
 * is still checked wherever the registry is loaded: tests, synth, npm start.
 */
export function defineRoute<const S extends RouteSpec>(spec: S): Route<S> {
  const where = `route ${spec.operation} (${spec.method} ${spec.path})`;
  const fail = (reason: string): never => {
    throw new Error(`${where}: ${reason}`);
  };
  if (!OPERATION_PATTERN.test(spec.operation)) fail('operation must be a lower-case folder name');
  const pathParameters = parsePathTemplate(spec.path, fail);
  checkRoles(spec, fail);
  const kind: RouteKind = spec.kind ?? (spec.method === 'GET' ? 'query' : 'command');
  if (kind === 'query' && spec.idempotencyKey !== undefined) fail('a query takes no Idempotency-Key (it writes nothing a retry could repeat)');
  const requiresIdempotencyKey = kind === 'command' && (spec.idempotencyKey ?? spec.method === 'POST');
  if (requiresIdempotencyKey && !BODY_METHODS.includes(spec.method)) fail('only POST, PUT and PATCH can take an Idempotency-Key');
  if (spec.request?.body !== undefined && !BODY_METHODS.includes(spec.method)) fail(`${spec.method} takes no body`);
  const pathKeys = objectKeys(spec.request?.path);
  if (pathParameters.length > 0 || spec.request?.path !== undefined) {
    if (pathKeys === undefined) fail('request.path must be an object schema');
    else if (pathKeys.join() !== [...pathParameters].sort().join()) fail(`request.path must declare exactly {${pathParameters.join('}, {')}}`);
  }
  if (spec.request?.query !== undefined && objectKeys(spec.request.query) === undefined) fail('request.query must be an object schema');
  const route = Object.freeze({ ...spec, kind, requiresIdempotencyKey, pathParameters: Object.freeze(pathParameters) }) as Route<S>;
  const standard = standardErrors(route);
  const repeated = (spec.errors ?? []).filter((code) => standard.includes(code));
  if (repeated.length > 0) fail(`errors repeats ${repeated.join(', ')}, which every ${kind} like it answers with (standardErrors)`);
  const statuses = Object.keys(spec.responses).map(Number);
  if (statuses.length === 0) fail('declare at least one response');
  if (statuses.some((status) => !(status >= 200 && status <= 299))) fail('responses are 2xx only; errors are problem documents');
  return route;
}

/**
 * The error codes every route of a kind answers with, besides its own `errors`: the one place
 * they are declared (OpenAPI documents them; test/e2e checks every response against that).
 * - any route: 500 internal-error, 503 service-unavailable (429/502/504 come from the gateway);
 * - signed-in routes: unauthenticated, forbidden;
 * - every route: validation-failed (its input; and locally the x-dev-* headers, which every
 *   route reads under npm start); with a body: unsupported-media-type, payload-too-large;
 * - routes on a facility ({facilityId}): not-found; commands on one also date-before-last-event
 *   (the facility's business date only moves forward) and concurrent-modification;
 * - commands with an Idempotency-Key: idempotency-key-missing, idempotency-key-reused.
 */
export function standardErrors(route: AnyRoute): RefusalCode[] {
  const codes: RefusalCode[] = [];
  codes.push('validation-failed');
  if (route.requiresIdempotencyKey) codes.push('idempotency-key-missing', 'idempotency-key-reused');
  if (route.auth !== 'none') codes.push('unauthenticated', 'forbidden');
  if (route.pathParameters.length > 0) codes.push('not-found');
  if (route.request?.body !== undefined) codes.push('unsupported-media-type', 'payload-too-large');
  if (route.kind === 'command' && route.pathParameters.includes('facilityId')) codes.push('date-before-last-event', 'concurrent-modification');
  codes.push('service-unavailable');
  return codes;
}

/** The `{names}` of an API Gateway path template. */
function parsePathTemplate(path: string, fail: (reason: string) => never): string[] {
  if (!path.startsWith('/')) fail('path must start with "/"');
  const names: string[] = [];
  for (const segment of path.slice(1).split('/')) {
    const parameter = PARAMETER_SEGMENT.exec(segment);
    if (parameter?.[1] !== undefined) {
      if (names.includes(parameter[1])) fail(`path parameter {${parameter[1]}} appears twice`);
      names.push(parameter[1]);
    } else if (!LITERAL_SEGMENT.test(segment)) {
      fail(`path segment "${segment}" is neither a literal nor a {parameter}`);
    }
  }
  return names;
}

function checkRoles(spec: RouteSpec, fail: (reason: string) => never): void {
  const { auth, roles } = spec;
  if (roles.length === 0) fail('declare the roles that may call it');
  const allowed: readonly string[] = auth === 'iam' ? ['channel', 'ops'] : auth === 'cognito' ? ['sme'] : ['anonymous'];
  const wrong = roles.filter((role) => !allowed.includes(role));
  if (wrong.length > 0) fail(`auth '${auth}' cannot authenticate role(s) ${wrong.join(', ')}`);
}

/** Sorted keys of an object schema, or undefined for any other schema. */
export function objectKeys(schema: $ZodType | undefined): string[] | undefined {
  if (schema === undefined || schema._zod.def.type !== 'object') return undefined;
  return Object.keys((schema as $ZodObject)._zod.def.shape).sort();
}
