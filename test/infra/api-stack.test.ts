/**
 * The API stack as the app composes it from the route registry: every route is exactly one
 * method with its authorization and its own function, every other function is a job of
 * functions/jobs.ts (the nightly end of day, checked in end-of-day.test.ts), each function holds
 * only the permissions its route needs, and the dashboard and alarms exist.
 * Bundling is skipped (see support.ts); test/infra/bundling.test.ts bundles one function for real.
 */
import { IAM_PRINCIPALS_ENV, STAFF_ISSUER_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { policyMetricValues } from '#app/eod.ts';
import { policyFigures } from '#domain/policy.ts';
import { POLICY_SECTION_TITLE } from '../../infra/constructs/observability.ts';
import { describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';

import { acceptsStaffToken, CONSOLE_PREFIX, OPS_GROUP, parseIamPrincipals } from '#http/auth.ts';
import { ProblemSchema } from '#http/problem-schema.ts';
import { INTERNAL_ERROR_DETAIL } from '#http/errors.ts';
import { jobs } from '../../functions/jobs.ts';
import { routes } from '../../functions/routes.ts';
import { CONTEXT, composeService } from '../../infra/compose.ts';
import { FORBIDDEN_ENV } from '../../infra/constructs/api-function.ts';
import { HttpApi, iamPrincipalsJson, tableAccessOf, type RouteEntry } from '../../infra/constructs/http-api.ts';
import { LedgerTable } from '../../infra/constructs/ledger-table.ts';
import { BUSINESS_METRICS } from '../../infra/constructs/observability.ts';
import { EOD_OPERATION } from '../../infra/stacks/api-stack.ts';
import { actionsOf, appWithProjectContext, nagFindings, statementsOfRole, TEST_IAM_PRINCIPALS, type Resources } from './support.ts';

const app = appWithProjectContext({ context: { [CONTEXT.iamPrincipals]: TEST_IAM_PRINCIPALS } });
const { api, identity, staff } = composeService(app);
const template = Template.fromStack(api);
const resources = template.toJSON()['Resources'] as Resources;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const propsOf = (logicalId: string) => resources[logicalId]!.Properties!;

/** Function logical id by the `operation` tag ApiFunction puts on it. */
const functionByOperation = new Map(
  ofType('AWS::Lambda::Function').map(([id, r]) => {
    const tags = r.Properties!['Tags'] as { Key: string; Value: string }[];
    return [tags.find((t) => t.Key === 'operation')!.Value, id] as const;
  }),
);

/** The full path of an API Gateway resource reference, walking ParentId up to the root. */
function pathOf(resourceRef: unknown): string {
  const ref = (resourceRef as { Ref?: string }).Ref;
  if (ref === undefined) return ''; // Fn::GetAtt RootResourceId: the root
  const props = propsOf(ref);
  return `${pathOf(props['ParentId'])}/${props['PathPart'] as string}`;
}

const methods = ofType('AWS::ApiGateway::Method')
  .map(([id, r]) => ({ id, props: r.Properties!, httpMethod: r.Properties!['HttpMethod'] as string, path: pathOf(r.Properties!['ResourceId']) || '/' }))
  .filter((m) => m.httpMethod !== 'OPTIONS');

/** The routes the console mount serves again under /console to the staff pool's ops group. */
const consoleRoutes = routes.filter(acceptsStaffToken);

const AUTHORIZATION_TYPE = { iam: 'AWS_IAM', cognito: 'COGNITO_USER_POOLS', none: 'NONE' } as const;

describe('routes and functions', () => {
  it('the registry has routes of every kind, so the checks below check something', () => {
    expect(new Set(routes.map((r) => r.auth))).toEqual(new Set(['iam', 'cognito', 'none']));
    expect(routes.some((r) => r.method === 'GET' && r.auth !== 'none')).toBe(true);
    expect(routes.some((r) => r.method !== 'GET')).toBe(true);
  });

  it.each(routes.map((r) => [r.operation, r] as const))('%s: exactly one method, with its authorization and a proxy integration to its own function', (operation, route) => {
    const matching = methods.filter((m) => m.httpMethod === route.method && m.path === route.path);
    expect(matching, `${route.method} ${route.path}`).toHaveLength(1);
    const method = matching[0]!.props;
    expect(method['AuthorizationType']).toBe(AUTHORIZATION_TYPE[route.auth]);
    if (route.auth === 'cognito') expect(method['AuthorizerId']).toEqual({ Ref: expect.stringMatching(/SmeAuthorizer/) });
    else expect(method['AuthorizerId']).toBeUndefined();
    const integration = method['Integration'] as { Type: string; IntegrationHttpMethod: string; Uri: unknown };
    expect(integration.Type).toBe('AWS_PROXY');
    expect(integration.IntegrationHttpMethod).toBe('POST');
    const fn = functionByOperation.get(operation);
    expect(fn, `function for ${operation}`).toBeDefined();
    expect(JSON.stringify(integration.Uri)).toContain(`"${fn}","Arn"`);
  });

  it('every method serves a registry route (the routes open to ops twice: SigV4, and the console mount), and every function a registry route or a job, one each', () => {
    expect(methods).toHaveLength(routes.length + consoleRoutes.length);
    const expected = [...routes.map((r) => r.operation), ...jobs.map((j) => j.name)];
    expect([...functionByOperation.keys()].sort()).toEqual(expected.sort());
    expect(ofType('AWS::Lambda::Function')).toHaveLength(expected.length);
  });

  it('only the API stage may invoke a function, and only through its own method (no console test-invoke)', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties!);
    expect(permissions).toHaveLength(routes.length + consoleRoutes.length);
    for (const permission of permissions) {
      expect(permission['Principal']).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission['SourceArn'])).not.toContain('test-invoke-stage');
    }
  });

  it('SME routes use one Cognito authorizer on the SME user pool, the console mount one on the staff pool', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 2);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Name: 'sme-user-pool',
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::ImportValue': Match.stringLikeRegexp('CreditIdentity') }],
    });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Name: 'staff-user-pool',
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::ImportValue': Match.stringLikeRegexp('CreditStaff') }],
    });
  });

  it.each(consoleRoutes.map((r) => [r.operation, r] as const))('%s: also under /console, behind the staff authorizer, integrated with the same function', (operation, route) => {
    const matching = methods.filter((m) => m.httpMethod === route.method && m.path === `${CONSOLE_PREFIX}${route.path}`);
    expect(matching).toHaveLength(1);
    const method = matching[0]!.props;
    expect(method['AuthorizationType']).toBe('COGNITO_USER_POOLS');
    expect(method['AuthorizerId']).toEqual({ Ref: expect.stringMatching(/StaffAuthorizer/) });
    expect(JSON.stringify((method['Integration'] as { Uri: unknown }).Uri)).toContain(`"${functionByOperation.get(operation)}","Arn"`);
  });

  it('mounts nothing else under /console: channel-only, SME and public routes have no staff path', () => {
    const mounted = methods.filter((m) => m.path.startsWith(`${CONSOLE_PREFIX}/`)).map((m) => `${m.httpMethod} ${m.path.slice(CONSOLE_PREFIX.length)}`);
    expect(mounted.sort()).toEqual(consoleRoutes.map((r) => `${r.method} ${r.path}`).sort());
    expect(consoleRoutes.every((r) => r.auth === 'iam' && (r.roles as readonly string[]).includes('ops'))).toBe(true);
    expect(consoleRoutes.map((r) => r.operation)).toEqual(expect.arrayContaining(['ops-renewal-decision', 'ops-list-lpr', 'get-facility']));
    expect(consoleRoutes.map((r) => r.operation)).not.toContain('drawdown');
  });
});

describe('every function', () => {
  const functions = ofType('AWS::Lambda::Function');

  const jobNames: readonly string[] = jobs.map((j) => j.name);
  const isJob = (id: string) => jobNames.includes([...functionByOperation].find(([, fnId]) => fnId === id)![0]);

  it.each(functions.map(([id]) => [id]))('%s runs Node.js 24 on ARM64, traced, with source maps and its own log group', (id) => {
    const props = propsOf(id);
    expect(props['Runtime']).toBe('nodejs24.x');
    expect(props['Architectures']).toEqual(['arm64']);
    expect(props['TracingConfig']).toEqual({ Mode: 'Active' });
    expect(props['Handler']).toBe('index.handler');
    expect(props['MemorySize']).toBeGreaterThanOrEqual(512);
    // API Gateway answers 504 after 29 s: a function must finish (and log) before that. A job has
    // Lambda's own 15 minutes, and Step Functions waits for it.
    expect(props['Timeout']).toBeLessThan(isJob(id) ? 900 : 29);
    const variables = (props['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', METRICS_NAMESPACE: 'CreditService', POWERTOOLS_SERVICE_NAME: 'credit-service' });
    for (const name of FORBIDDEN_ENV) expect(variables).not.toHaveProperty(name);
    const logGroup = (props['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(propsOf(logGroup)['RetentionInDays']).toBe(365);
    expect(resources[logGroup]!.DeletionPolicy).toBe('Retain');
  });

  it("the functions behind the console mount, and only they, know the staff pool's issuer", () => {
    for (const route of routes) {
      const variables = (propsOf(functionByOperation.get(route.operation)!)['Environment'] as { Variables: Record<string, unknown> }).Variables;
      if (acceptsStaffToken(route)) expect(JSON.stringify(variables[STAFF_ISSUER_ENV]), route.operation).toMatch(/CreditStaff.*ProviderURL/);
      else expect(variables, route.operation).not.toHaveProperty(STAFF_ISSUER_ENV);
    }
  });

  it('IAM routes, and only they, get the SigV4 caller map, exactly as configured', () => {
    const expected = iamPrincipalsJson(parseIamPrincipals(JSON.stringify(TEST_IAM_PRINCIPALS)));
    for (const route of routes) {
      const variables = (propsOf(functionByOperation.get(route.operation)!)['Environment'] as { Variables: Record<string, unknown> }).Variables;
      if (route.auth === 'iam') expect(variables[IAM_PRINCIPALS_ENV], route.operation).toBe(expected);
      else expect(variables, route.operation).not.toHaveProperty(IAM_PRINCIPALS_ENV);
    }
    expect(JSON.parse(expected)).toEqual(TEST_IAM_PRINCIPALS);
  });
});

describe('least privilege', () => {
  const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const TRACE_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
  const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
  const WRITE = ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

  function grantsOf(operation: string) {
    const roleId = (propsOf(functionByOperation.get(operation)!)['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = propsOf(roleId);
    const statements = statementsOfRole(resources, roleId);
    return { role, statements, actions: [...new Set(statements.flatMap(actionsOf))].sort() };
  }

  it.each(routes.map((r) => [r.operation, r] as const))('%s: only the table access its route needs, its own logs and tracing', (operation, route) => {
    const { role, statements, actions } = grantsOf(operation);
    // No AWSLambdaBasicExecutionRole: it may create and write any log group in the account.
    expect(role['ManagedPolicyArns']).toBeUndefined();
    const access = tableAccessOf(route);
    const table = access === undefined ? [] : access === 'RO' ? READ : [...READ, ...WRITE];
    expect(actions).toEqual([...LOG_ACTIONS, ...TRACE_ACTIONS, ...table].sort());
    if (route.method === 'GET') expect(actions).not.toContain('dynamodb:PutItem');
    for (const statement of statements) {
      // X-Ray has no resource-level permissions; everything else is scoped.
      if (JSON.stringify(statement.Resource) === '"*"') expect(actionsOf(statement).sort()).toEqual(TRACE_ACTIONS);
    }
    const variables = (propsOf(functionByOperation.get(operation)!)['Environment'] as { Variables: Record<string, unknown> }).Variables;
    if (access === undefined) expect(variables).not.toHaveProperty(TABLE_NAME_ENV);
    else expect(variables[TABLE_NAME_ENV]).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^CreditLedger:/) });
  });

  it('the public route holds no permission on the ledger', () => {
    const open = routes.filter((r) => r.auth === 'none');
    expect(open.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /openapi.json']);
    for (const route of open) expect(grantsOf(route.operation).actions.some((a) => a.startsWith('dynamodb:'))).toBe(false);
  });
});

describe('the REST API', () => {
  it('is regional, traced, with detailed metrics, throttled, and logs access but never bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] }, Name: 'CreditApi' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"caller":"\\$context.identity.userArn"') },
      MethodSettings: [
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
      ],
    });
  });

  it('lets the registered SigV4 callers in, including those of other accounts, and only them by ARN', () => {
    const policy = propsOf(ofType('AWS::ApiGateway::RestApi')[0]![0])['Policy'] as { Statement: Record<string, unknown>[] };
    const registered = policy.Statement.find((s) => s['Sid'] === 'RegisteredIamCallers')!;
    expect(registered['Condition']).toEqual({ ArnEquals: { 'aws:PrincipalArn': Object.keys(TEST_IAM_PRINCIPALS).sort() } });
    expect(JSON.stringify(registered['Principal'])).toContain('444455556666');
    const open = policy.Statement.find((s) => s['Sid'] === 'TokenAndPublicRoutes')!;
    const openRoutes = routes.filter((r) => r.auth !== 'iam');
    // Token routes: the SME routes, the public one, and the console mount (the staff authorizer decides there).
    expect(open['Resource']).toHaveLength(openRoutes.length + consoleRoutes.length);
    expect(open['Resource']).toContain('execute-api:/*/GET/openapi.json');
    expect(open['Resource']).toContain('execute-api:/*/POST/console/v1/ops/facilities/*/renewals/*/decision');
    expect(open['Resource']).not.toContain('execute-api:/*/POST/v1/ops/facilities/*/renewals/*/decision');
  });

  it("answers API Gateway's own refusals with problem documents", () => {
    for (const [type, status, code] of [
      ['UNAUTHORIZED', '401', 'unauthenticated'],
      ['MISSING_AUTHENTICATION_TOKEN', '401', 'unauthenticated'],
      ['ACCESS_DENIED', '403', 'forbidden'],
      ['REQUEST_TOO_LARGE', '413', 'payload-too-large'],
      ['THROTTLED', '429', 'too-many-requests'],
      ['QUOTA_EXCEEDED', '429', 'too-many-requests'],
      // A Lambda past API Gateway's 29 s, or one that crashed.
      ['INTEGRATION_TIMEOUT', '504', 'gateway-timeout'],
      ['INTEGRATION_FAILURE', '502', 'internal-error'],
      // Whatever else API Gateway answers, now or in types it adds later.
      ['DEFAULT_4XX', '400', 'validation-failed'],
      ['DEFAULT_5XX', '500', 'internal-error'],
    ] as const) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'", 'gatewayresponse.header.Cache-Control': "'no-store'" },
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`"code":"${code}"`) },
      });
    }
  });

  it('covers every gateway response type with a problem document whose status is the response status', () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map(([logicalId]) => propsOf(logicalId));
    const types = responses.map((r) => r['ResponseType']).sort();
    // Every type API Gateway defines (GatewayResponse.responseType in its API reference).
    expect(types).toEqual(
      [
        'DEFAULT_4XX', 'DEFAULT_5XX', 'RESOURCE_NOT_FOUND', 'UNAUTHORIZED', 'INVALID_API_KEY', 'ACCESS_DENIED', 'AUTHORIZER_FAILURE',
        'AUTHORIZER_CONFIGURATION_ERROR', 'INVALID_SIGNATURE', 'EXPIRED_TOKEN', 'MISSING_AUTHENTICATION_TOKEN', 'INTEGRATION_FAILURE',
        'INTEGRATION_TIMEOUT', 'API_CONFIGURATION_ERROR', 'UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY',
        'REQUEST_TOO_LARGE', 'THROTTLED', 'QUOTA_EXCEEDED', 'WAF_FILTERED',
      ].sort(),
    );
    for (const response of responses) {
      const body = JSON.parse((response['ResponseTemplates'] as Record<string, string>)['application/json']!) as Record<string, unknown>;
      expect(ProblemSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
      expect(String(body['status']), String(response['ResponseType'])).toBe(response['StatusCode']);
      expect(body['type']).toBe(`https://errors.credit.example/${String(body['code'])}`);
      // 5xx say nothing about the cause.
      if (Number(response['StatusCode']) >= 500 && body['code'] === 'internal-error') expect(body['detail']).toBe(INTERNAL_ERROR_DETAIL);
    }
  });

  it('sits behind a WAF web ACL with the managed baseline and a per-IP limit on SME routes', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }),
        Match.objectLike({ Name: 'SmeRateLimitPerIp', Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) } }),
      ]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('observability', () => {
  const alarms = new Map(ofType('AWS::CloudWatch::Alarm').map(([, r]) => [JSON.stringify(r.Properties!['AlarmName']).match(/-([a-z0-9-]+)"/)![1]!, r.Properties!]));

  it('has the service alarms, and an errors and a throttles alarm per function', () => {
    const functionNames = [...routes.map((r) => r.operation), ...jobs.map((j) => j.name)];
    const expected = [
      'api-5xx-rate',
      'api-latency-p99',
      'ledger-throttles',
      'eod-failures',
      'eod-missing',
      'eod-run-failed',
      ...functionNames.flatMap((name) => [`fn-${name}-errors`, `fn-${name}-throttles`]),
    ];
    expect([...alarms.keys()].sort()).toEqual(expected.sort());
  });

  it('notifies the alarm topic on alarm and on recovery', () => {
    const topic = ofType('AWS::SNS::Topic')[0]![0];
    for (const [name, alarm] of alarms) {
      expect(alarm['AlarmActions'], name).toEqual([{ Ref: topic }]);
      expect(alarm['OKActions'], name).toEqual([{ Ref: topic }]);
    }
  });

  it('alarms when more than 1% of requests fail with 5xx over 5 minutes', () => {
    const alarm = alarms.get('api-5xx-rate')!;
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    const metrics = alarm['Metrics'] as { Expression?: string; MetricStat?: { Metric: { MetricName: string }; Period: number } }[];
    expect(metrics.find((m) => m.Expression !== undefined)!.Expression).toBe('IF(requests > 0, 100 * server / requests, 0)');
    expect(metrics.flatMap((m) => (m.MetricStat === undefined ? [] : [[m.MetricStat.Metric.MetricName, m.MetricStat.Period]]))).toEqual(
      expect.arrayContaining([['5XXError', 300], ['Count', 300]]),
    );
  });

  it('alarms on end-of-day failures, and when no end-of-day run has reported for 26 hours', () => {
    const eodDimensions = [
      { Name: 'channel', Value: 'ops' },
      { Name: 'operation', Value: EOD_OPERATION },
      { Name: 'service', Value: 'credit-service' },
    ];
    expect(alarms.get('eod-failures')).toMatchObject({ MetricName: 'EodFailures', Namespace: 'CreditService', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarms.get('eod-missing')).toMatchObject({
      MetricName: 'EodFacilitiesProcessed',
      Statistic: 'SampleCount',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      TreatMissingData: 'breaching',
    });
    for (const name of ['eod-failures', 'eod-missing']) {
      const dimensions = [...(alarms.get(name)!['Dimensions'] as { Name: string }[])].sort((a, b) => a.Name.localeCompare(b.Name));
      expect(dimensions, name).toEqual(eodDimensions);
    }
    // The dimensions are those the end-of-day handler's metrics carry: its operation, and its one role as channel.
    expect(routes.find((r) => r.operation === EOD_OPERATION)?.roles).toEqual(['ops']);
  });

  it('has one dashboard showing every business metric the handlers emit, and every function', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // The body is a Fn::Join of JSON text and references: stand a placeholder in for each reference.
    const parts = (ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties!['DashboardBody'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'ref')).join('')) as {
      widgets: { type: string; properties: { title?: string; metrics?: unknown[][] } }[];
    };
    const graphs = body.widgets.filter((w) => w.type === 'metric').map((w) => w.properties);
    const options = graphs.flatMap((g) => g.metrics!.map((m) => m.at(-1) as { label?: string; expression?: string }));
    for (const name of Object.keys(BUSINESS_METRICS)) {
      expect(options.some((o) => o.expression?.includes(`MetricName="${name}"`)), name).toBe(true);
    }
    const perFunction = graphs.filter((g) => g.title!.startsWith('Function '));
    expect(perFunction).toHaveLength(3);
    for (const graph of perFunction) {
      expect(graph.metrics!.map((m) => (m.at(-1) as { label: string }).label).sort(), graph.title).toEqual(routes.map((r) => r.operation).sort());
    }
  });

  it('has a policy-figures section, titled in Chinese and English, graphing every headline figure of end of day', () => {
    const parts = (ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties!['DashboardBody'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'ref')).join('')) as {
      widgets: { type: string; y: number; properties: { title?: string; markdown?: string; metrics?: unknown[][] } }[];
    };
    const heading = body.widgets.find((w) => w.type === 'text' && w.properties.markdown!.startsWith(`# ${POLICY_SECTION_TITLE}`));
    expect(heading).toBeDefined();
    const section = body.widgets.filter((w) => w.type === 'metric' && w.y > heading!.y);
    const titles = section.map((w) => w.properties.title!);
    expect(titles).toHaveLength(10); // three rows: levels, flows, classes with 不良 and 非应计
    // Every title names the figure in Chinese, then in English.
    for (const title of titles) expect(title, title).toMatch(/^[\u4e00-\u9fff、与]+.* [A-Z][a-z]/u);
    const shown = section.flatMap((w) => w.properties.metrics!.map((m) => (m.at(-1) as { expression?: string }).expression ?? ''));
    for (const [name] of policyMetricValues(emptyPolicy)) expect(shown.some((e) => e.includes(`MetricName="${name}"`)), name).toBe(true);
  });

  it('publishes to a topic encrypted with a rotating key that CloudWatch may use, over TLS only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

const emptyPolicy = policyFigures('2026-01-31', [], { borrowerTypes: [], enterpriseSizes: [] });

describe('the SME user pool', () => {
  const pool = Template.fromStack(identity!);

  it('links each user to a borrower the user can read but never change', () => {
    pool.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'borrower_id', AttributeDataType: 'String', Mutable: true })]),
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      UserPoolTier: 'PLUS',
    });
    const client = Object.values(pool.findResources('AWS::Cognito::UserPoolClient'))[0]!['Properties'] as Record<string, string[]>;
    expect(client['ReadAttributes']).toContain('custom:borrower_id');
    // Non-empty: an absent list lets the user write every attribute.
    expect(client['WriteAttributes']!.length).toBeGreaterThan(0);
    expect(client['WriteAttributes']).not.toContain('custom:borrower_id');
  });

  it('signs SMEs in with their phone number and an SMS code (passwordless first factor), MFA optional because of it, risky sign-ins challenged', () => {
    pool.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: Match.arrayWith(['phone_number']),
      AutoVerifiedAttributes: ['phone_number'],
      Policies: Match.objectLike({ SignInPolicy: { AllowedFirstAuthFactors: Match.arrayWith(['PASSWORD', 'SMS_OTP']) } }),
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: Match.arrayWith(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']),
      SmsConfiguration: Match.objectLike({ SnsCallerArn: Match.anyValue() }),
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    const client = Object.values(pool.findResources('AWS::Cognito::UserPoolClient'))[0]!['Properties'] as Record<string, string[]>;
    expect(client['ExplicitAuthFlows']).toEqual(expect.arrayContaining(['ALLOW_USER_AUTH', 'ALLOW_USER_SRP_AUTH']));
  });

  it('is retained with the stack, like the ledger', () => {
    pool.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
  });
});

describe('the staff user pool', () => {
  const pool = Template.fromStack(staff);

  it('has the ops group, no self sign-up, and requires an authenticator app', () => {
    pool.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: OPS_GROUP });
    pool.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('is retained with its stack', () => {
    pool.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing for the composed app', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  it('needs every acknowledgement: each one silences a finding that is really there', () => {
    const raw = nagFindings(app, true).flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })));
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, rules: m.data as Record<string, string> })))
      .flatMap(({ path, rules }) => Object.entries(rules).map(([id, reason]) => ({ path, id, reason })))
      .filter(({ id }) => id.includes('AwsSolutions-'));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(40);
      const rule = id.slice(id.indexOf('AwsSolutions-'));
      expect(raw.some((finding) => finding.rule === rule && (finding.path === path || finding.path.startsWith(`${path}/`))), `${rule} at ${path} acknowledges nothing`).toBe(true);
    }
  });
});

describe('building the API from a registry', () => {
  function build(routesToBuild: RouteEntry[], options: { userPool?: boolean; environment?: Record<string, string> } = {}) {
    const stack = new Stack(appWithProjectContext(), 'Probe');
    const ledger = new LedgerTable(stack, 'Ledger');
    const entry = new URL('../../functions/openapi/handler.ts', import.meta.url).pathname;
    return new HttpApi(stack, 'Http', {
      routes: routesToBuild,
      ledger,
      iamPrincipals: new Map(),
      environment: options.environment ?? {},
      entryFor: () => entry,
    });
  }
  const route = (operation: string, path: string, auth: RouteEntry['auth'] = 'iam'): RouteEntry => ({ operation, method: 'GET', path, auth, roles: ['channel'] });

  it('refuses two names for one path parameter, which API Gateway would reject at deploy', () => {
    expect(() => build([route('a', '/v1/facilities/{facilityId}'), route('b', '/v1/facilities/{id}/events')])).toThrow(/one name per level/);
  });

  it('refuses a route registered twice', () => {
    expect(() => build([route('a', '/v1/x'), route('b', '/v1/x')])).toThrow(/registered twice/);
  });

  it('refuses a public route nobody has said may be public', () => {
    expect(() => build([route('a', '/v1/facilities', 'none')])).toThrow(/PUBLIC_ROUTES/);
  });

  it('refuses a Cognito route when there is no user pool', () => {
    expect(() => build([route('a', '/v1/me/x', 'cognito')])).toThrow(/no user pool/);
  });

  it('gives a POST query RO when its route says so, and GET routes RO by default', () => {
    expect(tableAccessOf({ ...route('a', '/v1/x'), method: 'POST', kind: 'query' })).toBe('RO');
    expect(tableAccessOf({ ...route('a', '/v1/x'), method: 'POST' })).toBe('RW');
    expect(tableAccessOf(route('a', '/v1/x'))).toBe('RO');
    expect(tableAccessOf(route('a', '/v1/x', 'none'))).toBeUndefined();
  });

  it.each(FORBIDDEN_ENV.map((name) => [name]))('refuses to deploy a function with %s set', (name) => {
    expect(() => build([route('a', '/v1/x')], { environment: { [name]: '1' } })).toThrow(new RegExp(name));
  });
});

describe('deployment settings from context', () => {
  it('refuses an IAM principal map the functions would refuse, at synth', () => {
    const bad = appWithProjectContext({ context: { [CONTEXT.iamPrincipals]: { 'arn:aws:iam::111122223333:role/path/MobileBank': 'channel:mobile-bank' } } });
    expect(() => composeService(bad)).toThrow(/IAM_PRINCIPALS is invalid/);
  });

  it('uses an existing SME user pool instead of creating one when given its id', () => {
    const imported = appWithProjectContext({ context: { [CONTEXT.smeUserPoolId]: 'cn-north-1_AbCdEf123' } });
    const stacks = composeService(imported);
    expect(stacks.identity).toBeUndefined();
    Template.fromStack(stacks.api).hasResourceProperties('AWS::ApiGateway::Authorizer', {
      ProviderARNs: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('userpool/cn-north-1_AbCdEf123')])] }],
    });
  });

  it('leaves the account-wide API Gateway logging role alone when told to', () => {
    const managed = appWithProjectContext({ context: { [CONTEXT.manageApiGatewayAccountLogRole]: false } });
    Template.fromStack(composeService(managed).api).resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });
});
