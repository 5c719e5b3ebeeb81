/**
 * The middy stack every HTTP function is built with:
 *
 *   export const handler = httpHandler(drawdownRoute, async ({ deps, path, body }) => drawdown(deps, …), { deps: appDeps });
 *
 * Attach order follows middy's rule (`before` in attach order, `after`/`onError` in reverse):
 * Lambda context and logging first, then the error responder, then authentication, business
 * date, Idempotency-Key, body parsing and validation last. The handler receives a typed,
 * validated context (with the app dependencies its options provide) and returns a status and
 * a wire-format body — a use-case's Reply as it is; the stack adds the JSON headers,
 * Idempotent-Replayed, the ConcurrencyRetries metric, the access log line and the metrics flush.
 */
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { $ZodType } from 'zod/v4/core';
import { InvariantViolation } from '#domain/errors.ts';
import { systemClock, today, type BusinessDate, type Clock } from '#domain/calendar.ts';
import * as z from '../api/z.ts';
import { authorize, loadAuthConfig, resolvePrincipal, type AuthConfig } from './auth.ts';
import { parseJsonBody } from './body.ts';
import { devBusinessDate } from './dev.ts';
import { isServerProblem, toProblem } from './errors.ts';
import { headersOf, type RequestHeaders } from './headers.ts';
import { localizeProblem, prefersChinese, ZH_CN } from './problem-zh.ts';
import { IDEMPOTENT_REPLAYED_HEADER, readIdempotencyKey } from './idempotency.ts';
import { businessMetrics, createLogger, createMetrics, flushMetrics, type BusinessMetrics, type Logger, type Metrics } from './observability.ts';
import { ANONYMOUS, channelOf, type Principal } from './principal.ts';
import { JSON_CONTENT_TYPE, NO_STORE, problemResult, type Problem } from './problem.ts';
import type { AnyRoute, BodyOf, HandlerResult, PathOf, QueryOf, StatusOf } from './route.ts';
import { validateRequest } from './validation.ts';

/** What a handler function receives: everything already authenticated, validated and decoded. */
interface HandlerContext<R, D = undefined> {
  /** What options.deps provides (the use-cases' dependencies), built once per process. */
  readonly deps: D;
  readonly principal: Principal;
  readonly body: BodyOf<R>;
  readonly query: QueryOf<R>;
  readonly path: PathOf<R>;
  /** Present exactly when the route requires it (POST commands). */
  readonly idempotencyKey: R extends { readonly requiresIdempotencyKey: true } ? string : undefined;
  /** Today in Asia/Shanghai by the injected clock (or x-dev-business-date under LOCAL_DEV=1). */
  readonly businessDate: BusinessDate;
  readonly clock: Clock;
  /** API Gateway's request id: the correlation id in logs and the x-amzn-RequestId clients see. */
  readonly requestId: string;
  readonly logger: Logger;
  readonly metrics: BusinessMetrics;
  /** The Accept header (every value, comma-joined), for routes that also answer text/csv. */
  readonly accept: string | undefined;
}

export type HandlerFunction<R, S extends StatusOf<R> = StatusOf<R>, D = undefined> = (ctx: HandlerContext<R, D>) => Promise<HandlerResult<R, S> & { readonly status: S }>;

export type HttpHandler = MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

export interface HttpHandlerOptions<D = undefined> {
  /**
   * The use-cases' dependencies (functions/wiring.ts appDeps: built from the environment at the
   * first request); called per request, so it must cache. Tests pass their own.
   */
  readonly deps?: () => D;
  /** Defaults to the system clock; tests pass a fixed one. */
  readonly clock?: Clock;
  /** middy's early-timeout margin; tests pass 0. */
  readonly timeoutEarlyInMillis?: number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Check each success body against the route's response schema (default: under LOCAL_DEV=1 only). */
  readonly checkResponses?: boolean;
}

/** Retry-After on 503: throttling clears within a second or two. */
const RETRY_AFTER_SECONDS = 1;

/** Per-invocation state shared by the middlewares, keyed by the invocation's event object. */
interface RequestState {
  readonly startedMs: number;
  readonly requestId: string;
  readonly headers: RequestHeaders;
  principal: Principal;
  businessDate?: BusinessDate;
  idempotencyKey?: string;
  body?: unknown;
  query?: unknown;
  path?: unknown;
  problem?: Problem;
}

type HttpRequest = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

const states = new WeakMap<APIGatewayProxyEvent, RequestState>();

function stateOf(event: APIGatewayProxyEvent): RequestState {
  const state = states.get(event);
  if (state === undefined) throw new InvariantViolation('request state missing: the observe middleware must run first');
  return state;
}

/**
 * Builds the Lambda handler for `route`. Call at module top level: configuration is read here,
 * once. (S, the statuses `fn` returns, is its own type parameter so that `status: 201` keeps
 * its literal type and selects the matching body schema.)
 */
export function httpHandler<R extends AnyRoute, S extends StatusOf<R>, D = undefined>(
  route: R,
  fn: HandlerFunction<R, S, D>,
  options: HttpHandlerOptions<D> = {},
): HttpHandler {
  const logger = options.logger ?? createLogger(route.operation);
  const metrics = options.metrics ?? createMetrics(route.operation);
  const clock = options.clock ?? systemClock;
  const auth = loadAuthConfig(route.auth);
  const checkResponses = options.checkResponses ?? auth.localDev;
  const business = businessMetrics(metrics, logger);

  const run = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const state = stateOf(event);
    const ctx = {
      deps: options.deps?.() as D,
      principal: state.principal,
      body: state.body,
      query: state.query,
      path: state.path,
      idempotencyKey: state.idempotencyKey,
      businessDate: state.businessDate,
      clock,
      requestId: state.requestId,
      logger,
      metrics: business,
      accept: state.headers.get('accept')?.join(','),
    } as HandlerContext<R, D>;
    const result: HandlerResult<AnyRoute> = await fn(ctx);
    if (checkResponses) checkResponse(route, result);
    if (result.replayed === true) business.add('IdempotentReplays');
    if (result.retries !== undefined && result.retries > 0) business.add('ConcurrencyRetries', result.retries);
    return {
      statusCode: result.status,
      headers: {
        ...result.headers,
        'content-type': result.text?.contentType ?? JSON_CONTENT_TYPE,
        'cache-control': NO_STORE,
        ...(result.replayed === true ? { [IDEMPOTENT_REPLAYED_HEADER]: 'true' } : {}),
      },
      // A text representation (CSV) is sent instead of the JSON body, which was still checked against the schema.
      body: result.text?.body ?? JSON.stringify(result.body),
    };
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(run, {
    ...(options.timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis: options.timeoutEarlyInMillis }),
  })
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(observe(route, logger, metrics))
    .use(problems(logger))
    .use(authenticate(route, auth))
    .use(businessDay(clock, auth.localDev))
    .use(idempotencyKey(route))
    .use(jsonBody(route))
    .use(validation(route));
}

/** Correlation id and request state first; one access log line and the metrics flush last. */
function observe(route: AnyRoute, logger: Logger, metrics: Metrics): HttpMiddleware {
  const finish = (request: HttpRequest) => {
    const state = states.get(request.event);
    const principal = state?.principal ?? ANONYMOUS;
    flushMetrics(metrics, channelOf(principal));
    // Method, route template, status and role only: no path values, bodies or borrower ids.
    logger.info('request completed', {
      method: route.method,
      resource: route.path,
      status: request.response?.statusCode,
      ...(state?.problem === undefined ? {} : { code: state.problem.code }),
      role: principal.role,
      channel: channelOf(principal),
      latencyMs: state === undefined ? undefined : Math.round(performance.now() - state.startedMs),
    });
  };
  return {
    before: (request) => {
      const { event, context } = request;
      const requestId = event.requestContext?.requestId ?? context.awsRequestId ?? 'unknown';
      logger.setCorrelationId(requestId);
      states.set(event, { startedMs: performance.now(), requestId, headers: headersOf(event), principal: ANONYMOUS });
    },
    after: finish,
    onError: finish,
  };
}

/** The one place an error becomes a response; 5xx causes are logged, never sent. */
function problems(logger: Logger): HttpMiddleware {
  return {
    onError: (request) => {
      const problem = toProblem(request.error, typeof request.event.path === 'string' ? request.event.path : undefined);
      if (isServerProblem(problem)) logger.error('request failed', { code: problem.code, error: request.error });
      const state = states.get(request.event);
      if (state !== undefined) state.problem = problem;
      const headers: Record<string, string> = problem.code === 'service-unavailable' ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
      const chinese = state !== undefined && prefersChinese(state.headers.get('accept-language')?.join(','));
      // Set, not returned: later onError middlewares (access log, metrics) must still run.
      request.response = chinese
        ? problemResult(localizeProblem(problem), { ...headers, 'content-language': ZH_CN, vary: 'Accept-Language' })
        : problemResult(problem, headers);
    },
  };
}

function authenticate(route: AnyRoute, config: AuthConfig): HttpMiddleware {
  return {
    before: ({ event }) => {
      const state = stateOf(event);
      const principal = resolvePrincipal(event, route.auth, config, state.headers);
      state.principal = principal;
      authorize(principal, route.roles);
    },
  };
}

function businessDay(clock: Clock, localDev: boolean): HttpMiddleware {
  return {
    before: ({ event }) => {
      const state = stateOf(event);
      state.businessDate = (localDev ? devBusinessDate(state.headers) : undefined) ?? today(clock);
    },
  };
}

function idempotencyKey(route: AnyRoute): HttpMiddleware {
  return {
    before: ({ event }) => {
      if (!route.requiresIdempotencyKey) return;
      const state = stateOf(event);
      state.idempotencyKey = readIdempotencyKey(state.headers);
    },
  };
}

function jsonBody(route: AnyRoute): HttpMiddleware {
  return {
    before: ({ event }) => {
      if (route.request?.body === undefined) return;
      const state = stateOf(event);
      state.body = parseJsonBody(event, state.headers);
    },
  };
}

function validation(route: AnyRoute): HttpMiddleware {
  return {
    before: ({ event }) => {
      const state = stateOf(event);
      const validated = validateRequest(route.request, event, state.body);
      state.body = validated.body;
      state.query = validated.query;
      state.path = validated.path;
    },
  };
}

/** A handler answering outside its contract is a bug: fail loudly where it is cheap to (locally). */
function checkResponse(route: AnyRoute, result: HandlerResult<AnyRoute>): void {
  const schema: $ZodType | undefined = route.responses[result.status];
  if (schema === undefined) throw new InvariantViolation(`${route.operation} answered ${result.status}, which its route does not declare`);
  const checked = z.safeParse(schema, result.body);
  if (!checked.success) {
    const where = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new InvariantViolation(`${route.operation} answered ${result.status} outside its contract: ${where}`);
  }
}
