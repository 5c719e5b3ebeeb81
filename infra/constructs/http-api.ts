/**
 * The REST API, built from the route registry (functions/routes.ts): one resource path and
 * method per route, each with a Lambda proxy integration to its own function, authorized the
 * way the route says. Adding a route to the registry adds it here; nothing is listed twice.
 *
 * The console mount: with a staff user pool, every IAM route open to ops (acceptsStaffToken) is
 * also a method under CONSOLE_PREFIX, integrated with the same function, behind a Cognito
 * authorizer on the staff pool; the function is told the pool's issuer (STAFF_ISSUER) and maps a
 * member of its `ops` group to ops (shared/http/auth.ts). SigV4 callers keep the plain path.
 */
import { IAM_PRINCIPALS_ENV, STAFF_ISSUER_ENV } from '#config/env.ts';
import { RemovalPolicy, Stack, Validations, type Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acceptsStaffToken, CONSOLE_PREFIX, type AuthType, type IamPrincipals } from '#http/auth.ts';
import { GATEWAY_TIMEOUT_DETAIL, INTERNAL_ERROR_DETAIL } from '#http/errors.ts';
import { NO_STORE, PROBLEM_CONTENT_TYPE, problemTitle, problemType, type ProblemCode } from '#http/problem.ts';
import type { Role } from '#http/principal.ts';
import type { HttpMethod, RouteKind } from '#http/route.ts';
import type { LedgerTable, TableAccess } from './ledger-table.ts';
import { ApiFunction } from './api-function.ts';

/** What the API needs of a registry entry (the registry's own type carries schemas too). */
export interface RouteEntry {
  readonly operation: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: AuthType;
  readonly roles: readonly Role[];
  /** 'query' routes only read (a POST eligibility check, say); default by method, as defineRoute does. */
  readonly kind?: RouteKind;
}

/** Per-operation departures from the function defaults (ApiFunctionProps). */
export interface FunctionTuning {
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly reservedConcurrency?: number;
}

/**
 * Ledger access by route kind: queries get RO, commands RW (GET is a query unless it says). Anonymous
 * routes (GET /openapi.json) get none at all: code anyone on the internet can invoke holds no
 * permission on the book of record.
 */
export function tableAccessOf(route: RouteEntry): TableAccess | undefined {
  if (route.auth === 'none') return undefined;
  return (route.kind ?? (route.method === 'GET' ? 'query' : 'command')) === 'query' ? 'RO' : 'RW';
}

interface ApiThrottling {
  /** Steady-state requests per second across the stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface HttpApiProps {
  readonly routes: readonly RouteEntry[];
  readonly ledger: LedgerTable;
  /** Authorizes the `cognito` routes; required when the registry has any. */
  readonly userPool?: cognito.IUserPool;
  /** The staff user pool: with it, the routes open to ops are also served under CONSOLE_PREFIX to its `ops` group. */
  readonly staff?: { readonly userPool: cognito.IUserPool; readonly issuer: string };
  /** SigV4 callers we know, by role or user ARN (parsed from IAM_PRINCIPALS configuration). */
  readonly iamPrincipals: IamPrincipals;
  /** Variables every function gets (metrics namespace, service name). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default functions/<operation>/handler.ts */
  readonly entryFor?: (operation: string) => string;
  /** The API's name, also the ApiName dimension of its metrics. @default the stack name */
  readonly apiName?: string;
  /** @default 'live' */
  readonly stageName?: string;
  /** @default 100 requests/s, bursts of 200: well above SME-lending traffic, well below a runaway client. */
  readonly throttling?: ApiThrottling;
  /** By operation, for the few that need more time or memory than a command. */
  readonly tuning?: Readonly<Record<string, FunctionTuning>>;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether this stack sets API Gateway's account-wide CloudWatch Logs role (needed once per
   * account and region for access and execution logs). Turn off where the landing zone owns it.
   * @default true
   */
  readonly manageAccountLogRole?: boolean;
}

/**
 * API Gateway's own answers, as the problem documents every other error of this API is: every
 * response type API Gateway has today with its status and code, then DEFAULT_4XX and DEFAULT_5XX
 * for any type it adds later. A Lambda that times out (29 s) or crashes reaches the client as
 * INTEGRATION_TIMEOUT (504) or INTEGRATION_FAILURE (502), never as API Gateway's bare JSON.
 */
const GATEWAY_PROBLEMS: ReadonlyArray<{ type: apigw.ResponseType; code: ProblemCode; status: number; detail: string }> = [
  // No valid Cognito token on an SME route.
  { type: apigw.ResponseType.UNAUTHORIZED, code: 'unauthenticated', status: 401, detail: 'Sign in: this operation requires a valid token.' },
  // An unsigned request to an IAM route, or a path this API does not have (API Gateway cannot tell them apart).
  { type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, code: 'unauthenticated', status: 401, detail: 'This operation requires a SigV4-signed request, or no such route exists.' },
  { type: apigw.ResponseType.INVALID_SIGNATURE, code: 'unauthenticated', status: 401, detail: 'The request signature is not valid.' },
  { type: apigw.ResponseType.EXPIRED_TOKEN, code: 'unauthenticated', status: 401, detail: 'The credentials have expired.' },
  { type: apigw.ResponseType.ACCESS_DENIED, code: 'forbidden', status: 403, detail: 'The caller may not invoke this operation.' },
  { type: apigw.ResponseType.INVALID_API_KEY, code: 'forbidden', status: 403, detail: 'The API key is not valid.' },
  { type: apigw.ResponseType.WAF_FILTERED, code: 'forbidden', status: 403, detail: 'The request was refused by the firewall.' },
  { type: apigw.ResponseType.RESOURCE_NOT_FOUND, code: 'not-found', status: 404, detail: 'No such resource.' },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, code: 'payload-too-large', status: 413, detail: 'The request is too large.' },
  { type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, code: 'unsupported-media-type', status: 415, detail: 'The request body must be sent as Content-Type: application/json.' },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, code: 'validation-failed', status: 400, detail: 'The request parameters are not valid.' },
  { type: apigw.ResponseType.BAD_REQUEST_BODY, code: 'validation-failed', status: 400, detail: 'The request body is not valid.' },
  // Stage throttling (and usage-plan quotas): slow down and retry.
  { type: apigw.ResponseType.THROTTLED, code: 'too-many-requests', status: 429, detail: 'Too many requests: retry after a short pause.' },
  { type: apigw.ResponseType.QUOTA_EXCEEDED, code: 'too-many-requests', status: 429, detail: 'The request quota is used up: retry later.' },
  // The function ran past API Gateway's 29 s: it may still finish, so a retry must reuse the key.
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, code: 'gateway-timeout', status: 504, detail: GATEWAY_TIMEOUT_DETAIL },
  { type: apigw.ResponseType.INTEGRATION_FAILURE, code: 'internal-error', status: 502, detail: INTERNAL_ERROR_DETAIL },
  { type: apigw.ResponseType.AUTHORIZER_FAILURE, code: 'internal-error', status: 500, detail: INTERNAL_ERROR_DETAIL },
  { type: apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, code: 'internal-error', status: 500, detail: INTERNAL_ERROR_DETAIL },
  { type: apigw.ResponseType.API_CONFIGURATION_ERROR, code: 'internal-error', status: 500, detail: INTERNAL_ERROR_DETAIL },
  // Any type API Gateway adds later: a 4xx is the request's fault, a 5xx ours; never its bare {"message": …}.
  { type: apigw.ResponseType.DEFAULT_4XX, code: 'validation-failed', status: 400, detail: 'The request was refused by API Gateway.' },
  { type: apigw.ResponseType.DEFAULT_5XX, code: 'internal-error', status: 500, detail: INTERNAL_ERROR_DETAIL },
];

export class HttpApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  /** By operation, in registry order. */
  readonly functions: ReadonlyMap<string, ApiFunction>;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    checkRoutes(props.routes);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const throttling = props.throttling ?? { rateLimit: 100, burstLimit: 200 };

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.RETAIN });
    const manageAccountLogRole = props.manageAccountLogRole ?? true;
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.apiName ?? Stack.of(this).stackName,
      description: 'Revolving credit service (SME lending): channels (IAM), SMEs (Cognito), operations (IAM)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: manageAccountLogRole,
      ...(manageAccountLogRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      ...(props.iamPrincipals.size > 0 ? { policy: resourcePolicy(props.routes, props.iamPrincipals, props.staff !== undefined) } : {}),
      deployOptions: {
        stageName: props.stageName ?? 'live',
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        // Execution logs for errors only, and never request or response bodies: they carry
        // borrowers' financial data (docs/architecture.md), and the handlers log what matters.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
    });
    // A resource-policy change only takes effect with a new deployment.
    this.api.latestDeployment?.addToLogicalId({ principals: [...props.iamPrincipals.keys()].sort() });
    for (const { type, code, status, detail } of GATEWAY_PROBLEMS) {
      this.api.addGatewayResponse(`Problem${pascal(type.responseType)}`, {
        type,
        statusCode: String(status),
        responseHeaders: { 'Content-Type': `'${PROBLEM_CONTENT_TYPE}'`, 'Cache-Control': `'${NO_STORE}'` },
        templates: {
          'application/json': JSON.stringify({ type: problemType(code), title: problemTitle(code), status, detail, code }),
        },
      });
    }

    let cognitoAuthorizer: apigw.CognitoUserPoolsAuthorizer | undefined;
    const authorizerFor = (route: RouteEntry): apigw.IAuthorizer => {
      if (props.userPool === undefined) throw new Error(`route ${route.operation} uses Cognito but the API has no user pool`);
      // Created on first use: an authorizer attached to no method fails synthesis.
      cognitoAuthorizer ??= new apigw.CognitoUserPoolsAuthorizer(this, 'SmeAuthorizer', {
        cognitoUserPools: [props.userPool],
        authorizerName: 'sme-user-pool',
      });
      return cognitoAuthorizer;
    };
    const staffAuthorizer =
      props.staff !== undefined && props.routes.some(acceptsStaffToken)
        ? new apigw.CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', { cognitoUserPools: [props.staff.userPool], authorizerName: 'staff-user-pool' })
        : undefined;

    const functions = new Map<string, ApiFunction>();
    for (const route of props.routes) {
      const apiFunction = new ApiFunction(this, pascal(route.operation), {
        operation: route.operation,
        description: `${route.method} ${route.path}`,
        ...(props.entryFor === undefined ? {} : { entry: props.entryFor(route.operation) }),
        environment: {
          ...props.environment,
          // Only IAM routes map SigV4 callers; the others never see the map.
          ...(route.auth === 'iam' ? { [IAM_PRINCIPALS_ENV]: iamPrincipalsJson(props.iamPrincipals) } : {}),
          // Only the functions behind the console mount take staff tokens.
          ...(staffAuthorizer !== undefined && props.staff !== undefined && acceptsStaffToken(route) ? { [STAFF_ISSUER_ENV]: props.staff.issuer } : {}),
        },
        ...props.tuning?.[route.operation],
        logRetention: retention,
      });
      const access = tableAccessOf(route);
      if (access !== undefined) props.ledger.bind(apiFunction.fn, access);
      functions.set(route.operation, apiFunction);

      const method = this.api.root.resourceForPath(route.path).addMethod(
        route.method,
        // No test-invoke permission: the console's test call skips authorization entirely.
        new apigw.LambdaIntegration(apiFunction.fn, { allowTestInvoke: false }),
        {
          operationName: route.operation,
          ...(route.auth === 'iam' ? { authorizationType: apigw.AuthorizationType.IAM } : {}),
          ...(route.auth === 'cognito' ? { authorizationType: apigw.AuthorizationType.COGNITO, authorizer: authorizerFor(route) } : {}),
          ...(route.auth === 'none' ? { authorizationType: apigw.AuthorizationType.NONE } : {}),
        },
      );
      acknowledgeAuthorization(method, route);
      if (staffAuthorizer !== undefined && acceptsStaffToken(route)) {
        this.api.root.resourceForPath(`${CONSOLE_PREFIX}${route.path}`).addMethod(route.method, new apigw.LambdaIntegration(apiFunction.fn, { allowTestInvoke: false }), {
          operationName: `${route.operation}-console`,
          authorizationType: apigw.AuthorizationType.COGNITO,
          authorizer: staffAuthorizer,
        });
      }
    }
    this.functions = functions;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Handlers validate path, query and body against the zod schemas of the route registry, the same schemas the OpenAPI ' +
        'document is generated from. API Gateway models would be a second copy that can drift, and would answer in their own ' +
        'error format instead of the RFC 9457 problem documents clients rely on.',
    });
    if (manageAccountLogRole) {
      Validations.of(this.api.node.findChild('CloudWatchRole')).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-wide logging role: the AWS-managed policy is the documented one, and it grants API Gateway (not our code) log writes.",
      });
    }
  }
}

/**
 * The routes anyone may call, each with the reason it is safe. A new `auth: 'none'` route fails
 * synthesis until someone writes down here why it may be public.
 */
const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /openapi.json': 'It serves the API contract, generated from the route registry, so channels can generate clients: no account data, and its function has no table access.',
};

/** cdk-nag wants every method behind Cognito (COG4) or some authorizer (APIG4); say why each is not. */
function acknowledgeAuthorization(method: apigw.Method, route: RouteEntry): void {
  if (route.auth === 'iam') {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Server-to-server route for bank channels and operations, authenticated with SigV4 (AuthorizationType.IAM) and mapped to a principal by IAM_PRINCIPALS; Cognito is for SMEs only.',
    });
  }
  if (route.auth === 'none') {
    const why = PUBLIC_ROUTES[`${route.method} ${route.path}`];
    if (why === undefined) throw new Error(`route ${route.operation} (${route.method} ${route.path}) is public: add it to PUBLIC_ROUTES with the reason it may be`);
    const reason = `Public by design. ${why}`;
    Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
  }
}

/**
 * Lets registered SigV4 callers from other AWS accounts (partner platforms) in: for them the API
 * must allow them explicitly. Principals are named by account, narrowed by aws:PrincipalArn, so a
 * role deleted on the partner's side never makes our deployment fail. Cognito and public routes
 * must be allowed for everyone once a policy exists; their own authorization still applies.
 */
function resourcePolicy(routes: readonly RouteEntry[], principals: IamPrincipals, consoleMount: boolean): iam.PolicyDocument {
  const arns = [...principals.keys()].sort();
  const accounts = [...new Set(arns.map((arn) => arn.split(':')[4]!))].sort();
  const statements = [
    new iam.PolicyStatement({
      sid: 'RegisteredIamCallers',
      principals: accounts.map((account) => new iam.AccountPrincipal(account)),
      actions: ['execute-api:Invoke'],
      resources: ['execute-api:/*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': arns } },
    }),
  ];
  const resourceOf = (method: string, path: string) => `execute-api:/*/${method}${path.replaceAll(/\{[^}]+\}/g, '*')}`;
  const open = [
    ...routes.filter((route) => route.auth !== 'iam').map((route) => resourceOf(route.method, route.path)),
    // The console mount is token-authorized like the SME routes.
    ...(consoleMount ? routes.filter(acceptsStaffToken).map((route) => resourceOf(route.method, `${CONSOLE_PREFIX}${route.path}`)) : []),
  ];
  if (open.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'TokenAndPublicRoutes',
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: open,
      }),
    );
  }
  return new iam.PolicyDocument({ statements });
}

/** The IAM_PRINCIPALS value shared/http/auth.ts parses: { "<role ARN>": "channel:<id>" | "ops:<id>" }. */
export function iamPrincipalsJson(principals: IamPrincipals): string {
  const entries = [...principals.entries()].sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(Object.fromEntries(entries.map(([arn, principal]) => [arn, `${principal.role}:${principal.id}`])));
}

/** Fails synthesis on what API Gateway would only reject at deploy time. */
function checkRoutes(routes: readonly RouteEntry[]): void {
  const seen = new Set<string>();
  const variableChild = new Map<string, string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`route ${route.operation}: ${key} is registered twice`);
    seen.add(key);
    const segments = route.path.split('/').slice(1);
    segments.forEach((segment, i) => {
      if (!segment.startsWith('{')) return;
      const parent = `/${segments.slice(0, i).join('/')}`;
      const existing = variableChild.get(parent);
      if (existing !== undefined && existing !== segment) {
        throw new Error(`route ${route.operation}: ${parent} has path parameters ${existing} and ${segment}; API Gateway allows one name per level`);
      }
      variableChild.set(parent, segment);
    });
  }
}

/** drawdown-quote → DrawdownQuote; MISSING_AUTHENTICATION_TOKEN → MissingAuthenticationToken. */
function pascal(name: string): string {
  return name
    .toLowerCase()
    .split(/[-_]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * One JSON line per request: who (SigV4 caller ARN or Cognito subject, never a name), what, how
 * it ended and how long it took. No bodies and no query strings: they can carry account data.
 */
const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigw.AccessLogField.contextRequestId(),
    extendedRequestId: apigw.AccessLogField.contextExtendedRequestId(),
    requestTime: apigw.AccessLogField.contextRequestTime(),
    ip: apigw.AccessLogField.contextIdentitySourceIp(),
    caller: apigw.AccessLogField.contextIdentityUserArn(),
    sub: apigw.AccessLogField.contextAuthorizerClaims('sub'),
    httpMethod: apigw.AccessLogField.contextHttpMethod(),
    resourcePath: apigw.AccessLogField.contextResourcePath(),
    status: apigw.AccessLogField.contextStatus(),
    responseLength: apigw.AccessLogField.contextResponseLength(),
    responseLatencyMs: apigw.AccessLogField.contextResponseLatency(),
    integrationLatencyMs: apigw.AccessLogField.contextIntegrationLatency(),
    integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
    errorType: apigw.AccessLogField.contextErrorResponseType(),
    wafStatus: apigw.AccessLogField.contextWafResponseCode(),
    xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
  }),
);
