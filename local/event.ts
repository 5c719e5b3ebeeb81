/** Builds the API Gateway REST (v1) proxy event and Lambda context a deployed function would receive. */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { AnyRoute } from '#http/route.ts';

export const LOCAL_STAGE = 'local';
/** API Gateway's own integration timeout: a local request gets as long as a deployed one. */
export const LOCAL_TIMEOUT_MS = 29_000;
const LOCAL_ACCOUNT = '000000000000';

export interface LocalRequest {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly body: string;
  readonly route: AnyRoute;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly requestId: string;
  readonly receivedAtMs: number;
  /** The Cognito authorizer's claims (the console mount), every value a string as API Gateway hands them over. */
  readonly claims?: Readonly<Record<string, string>>;
  /** The API Gateway resource when it is not the route's own path (the console mount). */
  readonly resource?: string;
}

export function toProxyEvent({ request, url, body, route, pathParameters, requestId, receivedAtMs, claims, resource = route.path }: LocalRequest): APIGatewayProxyEvent {
  // Prototype-free maps: a header or parameter named "constructor" or "toString" is just a name.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  // rawHeaders keeps the client's spelling, as API Gateway does.
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index] as string;
    const value = request.rawHeaders[index + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = Object.create(null);
  const multiValueQuery: Record<string, string[]> = Object.create(null);
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiValueQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const hasPathParameters = Object.keys(pathParameters).length > 0;
  const method = request.method ?? 'GET';
  return {
    resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: hasPathParameters ? { ...pathParameters } : null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: claims === undefined ? null : { claims: { ...claims } },
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      path: `/${LOCAL_STAGE}${url.pathname}`,
      stage: LOCAL_STAGE,
      requestId,
      requestTimeEpoch: receivedAtMs,
      resourceId: 'local',
      resourcePath: resource,
      identity: callerIdentity({ sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: request.headers['user-agent'] ?? null }),
    },
  };
}

/** API Gateway's `requestContext.identity`: every field null but those given (tests and benches use it too). */
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

export function lambdaContext(operation: string, requestId: string, receivedAtMs: number): Context {
  const functionName = `local-${operation}`;
  const deadline = receivedAtMs + LOCAL_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
