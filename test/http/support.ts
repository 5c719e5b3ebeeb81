/** Builders for HTTP tests: API Gateway events, quiet observability, and sample routes of each kind. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext, proxyEvent } from '../../local/event.ts';
import { vi } from 'vitest';
import { fixedClock } from '#domain/calendar.ts';
import { formatYuan } from '#domain/money.ts';
import { httpHandler, type HttpHandlerOptions } from '#http/middleware.ts';
import { Logger, Metrics } from '#http/observability.ts';
import type { Problem } from '#http/problem.ts';
import { defineRoute } from '#http/route.ts';
import { BusinessDate, DrawdownId, FacilityId, Money, PageQuery, page } from '#api/primitives.ts';
import * as z from '#api/z.ts';

export const ACCOUNT = '123456789012';
export const CHANNEL_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/MobileBankChannel`;
export const OPS_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/CreditOps`;
export const IAM_PRINCIPALS_JSON = JSON.stringify({ [CHANNEL_ROLE_ARN]: 'channel:mobile-bank', [OPS_ROLE_ARN]: 'ops:credit-ops' });

/** The caller identities API Gateway would hand over for each role. */
export const callers = {
  channel: { userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/MobileBankChannel/session-1` },
  ops: { userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/CreditOps/alice` },
  sme: { claims: { sub: 'c0ffee00-0000-4000-8000-000000000001', borrower_id: 'BOR-1' } },
  anonymous: {},
} as const;

/** 2026-01-05T16:30Z is already 2026-01-06 in Asia/Shanghai. */
export const CLOCK_INSTANT = '2026-01-05T16:30:00.000Z';
export const SHANGHAI_DATE = '2026-01-06';

export const commandRoute = defineRoute({
  operation: 'sample-drawdown',
  method: 'POST',
  path: '/v1/facilities/{facilityId}/drawdowns',
  auth: 'iam',
  roles: ['channel'],
  summary: 'Sample command',
  request: {
    path: z.strictObject({ facilityId: FacilityId }),
    body: z.strictObject({ drawdownId: DrawdownId, amount: Money, maturityDate: BusinessDate }),
  },
  responses: { 201: z.strictObject({ drawdownId: DrawdownId, amount: Money, businessDate: BusinessDate }) },
  errors: ['insufficient-available-limit'],
});

export const listRoute = defineRoute({
  operation: 'sample-list',
  method: 'GET',
  path: '/v1/ops/facilities',
  auth: 'iam',
  roles: ['ops', 'channel'],
  summary: 'Sample paged list',
  request: { query: z.extend(PageQuery, { asOf: z.optional(BusinessDate) }) },
  responses: { 200: page(z.strictObject({ facilityId: FacilityId })) },
});

export const smeRoute = defineRoute({
  operation: 'sample-sme',
  method: 'GET',
  path: '/v1/me/facilities/{facilityId}',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'Sample SME read',
  request: { path: z.strictObject({ facilityId: FacilityId }) },
  responses: { 200: z.strictObject({ facilityId: FacilityId, borrowerId: z.string() }) },
});

export const publicRoute = defineRoute({
  operation: 'sample-public',
  method: 'GET',
  path: '/v1/ping',
  auth: 'none',
  roles: ['anonymous'],
  summary: 'Sample public read',
  responses: { 200: z.strictObject({ ok: z.boolean() }) },
});

export const sampleRoutes = [commandRoute, listRoute, smeRoute, publicRoute] as const;

/** A logger that prints nothing, and metrics that are kept but never printed. */
export function quietObservability(): { logger: Logger; metrics: Metrics } {
  const logger = new Logger({ logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    metrics.clearMetrics();
    metrics.clearDimensions();
    return metrics;
  });
  return { logger, metrics };
}

export function testOptions(extra: HttpHandlerOptions = {}): HttpHandlerOptions {
  return { clock: fixedClock(CLOCK_INSTANT), timeoutEarlyInMillis: 0, ...quietObservability(), ...extra };
}

/** Handlers of the sample routes that echo what they received, in their contract. */
export function sampleHandlers(extra: HttpHandlerOptions = {}) {
  const options = testOptions(extra);
  return {
    command: httpHandler(
      commandRoute,
      async (ctx) => ({
        status: 201,
        body: { drawdownId: ctx.body.drawdownId, amount: formatYuan(ctx.body.amount), businessDate: ctx.businessDate },
        replayed: ctx.idempotencyKey === 'replayed-key',
      }),
      options,
    ),
    list: httpHandler(listRoute, async (ctx) => ({ status: 200, body: { items: [{ facilityId: `limit-${ctx.query.limit ?? 'default'}` }] } }), options),
    sme: httpHandler(
      smeRoute,
      async (ctx) => ({ status: 200, body: { facilityId: ctx.path.facilityId, borrowerId: ctx.principal.borrowerId ?? '' } }),
      options,
    ),
    public: httpHandler(publicRoute, async () => ({ status: 200, body: { ok: true } }), options),
  };
}

export interface EventInit {
  readonly method?: string;
  readonly path?: string;
  readonly resource?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly pathParameters?: Readonly<Record<string, string>> | null;
  readonly userArn?: string;
  readonly claims?: Readonly<Record<string, string>>;
  readonly requestId?: string;
}

/** A deployed stage's event (stage prod, a caller at 10.0.0.1), built by the one event builder local/ uses. */
export function apiEvent(init: EventInit = {}): APIGatewayProxyEvent {
  return proxyEvent({
    method: init.method ?? 'GET',
    path: init.path ?? '/',
    ...(init.resource === undefined ? {} : { resource: init.resource }),
    ...(init.headers === undefined ? {} : { headers: init.headers }),
    ...(init.query === undefined ? {} : { query: init.query }),
    pathParameters: init.pathParameters ?? null,
    body: init.body ?? null,
    isBase64Encoded: init.isBase64Encoded ?? false,
    ...(init.claims === undefined ? {} : { claims: init.claims }),
    identity: { sourceIp: '10.0.0.1', userAgent: 'test', userArn: init.userArn ?? null },
    requestId: init.requestId ?? 'req-1',
    stage: 'prod',
    accountId: ACCOUNT,
    apiId: 'api',
  });
}

/** A valid sample command from the channel, to vary one thing at a time. */
export function commandEvent(overrides: Partial<EventInit> & { readonly bodyObject?: unknown } = {}): APIGatewayProxyEvent {
  const { bodyObject, ...rest } = overrides;
  return apiEvent({
    method: 'POST',
    path: '/v1/facilities/FAC-1/drawdowns',
    resource: commandRoute.path,
    pathParameters: { facilityId: 'FAC-1' },
    userArn: callers.channel.userArn,
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-1' },
    body: JSON.stringify(bodyObject ?? { drawdownId: 'DD-1', amount: '50000.00', maturityDate: '2026-07-01' }),
    ...rest,
  });
}

export const context: Context = lambdaContext({ functionName: 'test', requestId: 'lambda-req-1', accountId: ACCOUNT });

export function invoke(handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>, event: APIGatewayProxyEvent) {
  return handler(event, context);
}

/** The problem document of an error response, checking it is one. */
export function problemOf(result: APIGatewayProxyResult): Problem {
  if (result.headers?.['content-type'] !== 'application/problem+json') {
    throw new Error(`expected a problem document, got ${String(result.headers?.['content-type'])}: ${result.body}`);
  }
  return JSON.parse(result.body) as Problem;
}
