/**
 * The one builder of the API Gateway REST (v1) proxy events and Lambda contexts a deployed function
 * receives. The local server turns each HTTP request into one (toProxyEvent); tests and benchmarks
 * build theirs with proxyEvent and lambdaContext, so every caller hands a handler the same shape.
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { AnyRoute } from '#http/route.ts';

export const LOCAL_STAGE = 'local';
/** API Gateway's own integration timeout: a local request gets as long as a deployed one. */
export const LOCAL_TIMEOUT_MS = 29_000;
export const LOCAL_ACCOUNT = '000000000000';

/** Names with one value or several (repeated headers or query parameters), or the pairs in the order they came. */
export type MultiValues = Readonly<Record<string, string | readonly string[]>> | Iterable<readonly [string, string]>;

export interface ProxyEventInit {
  readonly method: string;
  /** The request path, without the stage. */
  readonly path: string;
  /** The API Gateway resource (`/v1/facilities/{facilityId}`); the path when omitted. */
  readonly resource?: string;
  readonly headers?: MultiValues;
  readonly query?: MultiValues;
  readonly pathParameters?: Readonly<Record<string, string>> | null;
  /** The body as sent; an empty or absent body is null, as API Gateway hands it over. */
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  /** The Cognito authorizer's claims, every value a string as API Gateway hands them over. */
  readonly claims?: Readonly<Record<string, string>>;
  /** `requestContext.identity`: every field not given is null (SigV4 callers have userArn). */
  readonly identity?: Partial<APIGatewayEventIdentity>;
  readonly requestId: string;
  readonly requestTimeEpoch?: number;
  readonly stage?: string;
  readonly accountId?: string;
  readonly apiId?: string;
  readonly protocol?: string;
}

/**
 * Collects names and values the way API Gateway does: every value in the multi-value map, the last
 * one in the single-value map. The maps have no prototype, so a name like "constructor" is just a name.
 */
function collect(values: MultiValues | undefined): { single: Record<string, string>; multi: Record<string, string[]>; any: boolean } {
  const single: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  let any = false;
  const add = (name: string, value: string): void => {
    single[name] = value;
    (multi[name] ??= []).push(value);
    any = true;
  };
  if (values !== undefined) {
    if (Symbol.iterator in values) {
      for (const [name, value] of values as Iterable<readonly [string, string]>) add(name, value);
    } else {
      for (const [name, value] of Object.entries(values)) for (const one of typeof value === 'string' ? [value] : value) add(name, one);
    }
  }
  return { single, multi, any };
}

/** A REST proxy event, shaped as API Gateway sends it (headers twice, nulls for absent parts). */
export function proxyEvent(init: ProxyEventInit): APIGatewayProxyEvent {
  const headers = collect(init.headers);
  const query = collect(init.query);
  const resource = init.resource ?? init.path;
  const stage = init.stage ?? LOCAL_STAGE;
  const pathParameters = init.pathParameters ?? null;
  return {
    resource,
    path: init.path,
    httpMethod: init.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.any ? query.single : null,
    multiValueQueryStringParameters: query.any ? query.multi : null,
    pathParameters: pathParameters === null || Object.keys(pathParameters).length === 0 ? null : { ...pathParameters },
    stageVariables: null,
    body: init.body === undefined || init.body === '' ? null : init.body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: init.accountId ?? LOCAL_ACCOUNT,
      apiId: init.apiId ?? 'local',
      authorizer: init.claims === undefined ? null : { claims: { ...init.claims } },
      protocol: init.protocol ?? 'HTTP/1.1',
      httpMethod: init.method,
      path: `/${stage}${init.path}`,
      stage,
      requestId: init.requestId,
      requestTimeEpoch: init.requestTimeEpoch ?? 0,
      resourceId: init.apiId ?? 'local',
      resourcePath: resource,
      identity: callerIdentity(init.identity ?? {}),
    },
  };
}

export interface LocalRequest {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly body: string;
  readonly route: AnyRoute;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly requestId: string;
  readonly receivedAtMs: number;
  /** The Cognito authorizer's claims (the console mount). */
  readonly claims?: Readonly<Record<string, string>>;
  /** The API Gateway resource when it is not the route's own path (the console mount). */
  readonly resource?: string;
}

/** The event for a request the local server received. */
export function toProxyEvent({ request, url, body, route, pathParameters, requestId, receivedAtMs, claims, resource = route.path }: LocalRequest): APIGatewayProxyEvent {
  // rawHeaders keeps the client's spelling, as API Gateway does.
  const headers: [string, string][] = [];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) headers.push([request.rawHeaders[index]!, request.rawHeaders[index + 1]!]);
  return proxyEvent({
    method: request.method ?? 'GET',
    path: url.pathname,
    resource,
    headers,
    query: url.searchParams,
    pathParameters,
    body,
    ...(claims === undefined ? {} : { claims }),
    identity: { sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: request.headers['user-agent'] ?? null },
    requestId,
    requestTimeEpoch: receivedAtMs,
    protocol: `HTTP/${request.httpVersion}`,
  });
}

/** API Gateway's `requestContext.identity`: every field null but those given. */
export function callerIdentity(fields: Partial<APIGatewayEventIdentity>): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: '127.0.0.1',
    user: null,
    userAgent: null,
    userArn: null,
    ...fields,
  };
}

export interface ContextInit {
  readonly functionName: string;
  readonly requestId: string;
  /** When the invocation started (ms since the epoch); its time limit runs from here. */
  readonly startedAtMs?: number;
  readonly timeoutMs?: number;
  /** The time left, when a test drives it (otherwise the limit counts down from startedAtMs on the wall clock). */
  readonly remainingMs?: () => number;
  readonly memoryLimitInMB?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly logStreamName?: string;
}

/** A Lambda context as the runtime hands it to a function. */
export function lambdaContext(init: ContextInit): Context {
  const { functionName, requestId } = init;
  const deadline = (init.startedAtMs ?? Date.now()) + (init.timeoutMs ?? LOCAL_TIMEOUT_MS);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${init.region ?? 'local'}:${init.accountId ?? LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: init.memoryLimitInMB ?? '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: init.logStreamName ?? 'local',
    getRemainingTimeInMillis: init.remainingMs ?? (() => Math.max(0, deadline - Date.now())),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
