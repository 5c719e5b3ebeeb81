/**
 * The nightly end of day as the app composes it: an EventBridge Scheduler schedule at 00:30
 * Asia/Shanghai starts a Step Functions state machine that maps over every shard (bounded,
 * retried with backoff) and then keeps the report; two functions built like the API's, each
 * with only the table access it needs; and an alarm when a run fails or times out.
 */
import { IAM_PRINCIPALS_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { EOD_METRIC_DIMENSIONS } from '#http/observability.ts';

import { EOD_KEY_PREFIX, EOD_SHARD_COUNT } from '#ledger/schema.ts';
import { routes } from '../../functions/routes.ts';
import { CONTEXT, composeService } from '../../infra/compose.ts';
import { EOD_MAP_CONCURRENCY } from '../../infra/constructs/end-of-day.ts';
import { EOD_OPERATION } from '../../infra/stacks/api-stack.ts';
import { actionsOf, appWithProjectContext, statementsOfRole, TEST_IAM_PRINCIPALS, type Resources } from './support.ts';

const app = appWithProjectContext({ context: { [CONTEXT.iamPrincipals]: TEST_IAM_PRINCIPALS } });
const { api } = composeService(app);
const template = Template.fromStack(api);
const resources = template.toJSON()['Resources'] as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const propsOf = (logicalId: string) => resources[logicalId]!.Properties!;

const functionOf = (name: string) =>
  ofType('AWS::Lambda::Function').find(([, r]) => (r.Properties!['Tags'] as { Key: string; Value: string }[]).some((t) => t.Key === 'operation' && t.Value === name))![0];
const shardFn = functionOf('eod-shard');
const reportFn = functionOf('eod-report');
const roleOf = (fnId: string) => (propsOf(fnId)['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const actionsOfRole = (roleId: string) => [...new Set(statementsOfRole(resources, roleId).flatMap(actionsOf))].sort();

const [machineId, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;

interface AslTask {
  Type: string;
  Resource: string;
  Arguments: { FunctionName: string; Payload: unknown };
  Output: string;
  Retry: { ErrorEquals: string[]; MaxAttempts: number; IntervalSeconds?: number; BackoffRate?: number; JitterStrategy?: string; MaxDelaySeconds?: number }[];
  Next?: string;
  End?: boolean;
}
interface AslMap {
  Type: 'Map';
  Items: number[];
  MaxConcurrency: number;
  ItemSelector: string;
  ItemProcessor: { ProcessorConfig: { Mode: string }; StartAt: string; States: Record<string, AslTask> };
  Next: string;
}
/** The definition, with each function's ARN replaced by its logical id. */
const asl = JSON.parse(
  ((machine.Properties!['DefinitionString'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[])
    .map((part) => (typeof part === 'string' ? part : ((part as { 'Fn::GetAtt'?: [string] })['Fn::GetAtt']?.[0] ?? 'ref')))
    .join(''),
) as { StartAt: string; QueryLanguage: string; TimeoutSeconds: number; States: Record<string, AslMap | AslTask> };

describe('the state machine', () => {
  const map = asl.States[asl.StartAt] as AslMap;
  const shardTask = map.ItemProcessor.States[map.ItemProcessor.StartAt]!;
  const reportTask = asl.States[map.Next] as AslTask;

  it('maps over every shard, at most a few at once, each with the run’s input and its shard number', () => {
    expect(asl.QueryLanguage).toBe('JSONata');
    expect(map.Type).toBe('Map');
    expect(map.Items).toEqual(Array.from({ length: EOD_SHARD_COUNT }, (_, i) => i));
    expect(map.MaxConcurrency).toBe(EOD_MAP_CONCURRENCY);
    expect(EOD_MAP_CONCURRENCY).toBe(4);
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('INLINE');
    expect(map.ItemSelector).toBe('{% $merge([$states.input, {"shard": $states.context.Map.Item.Value}]) %}');
    expect(shardTask).toMatchObject({ Type: 'Task', End: true, Arguments: { FunctionName: shardFn, Payload: '{% $states.input %}' }, Output: '{% $states.result.Payload %}' });
    expect(shardTask.Resource).toMatch(/:states:::lambda:invoke$/);
  });

  it('then keeps the report, from every shard’s answer and the run’s start time', () => {
    expect(reportTask).toMatchObject({
      Type: 'Task',
      End: true,
      Arguments: { FunctionName: reportFn, Payload: { date: '{% $states.input[0].date %}', startedAt: '{% $states.context.Execution.StartTime %}', shards: '{% $states.input %}' } },
    });
  });

  it.each([
    ['shard', () => shardTask],
    ['report', () => reportTask],
  ])('retries the %s task with growing, jittered waits, but never a bad input or a broken invariant', (_, task) => {
    const [never, backoff, ...others] = task().Retry;
    expect(others).toEqual([]);
    expect(never).toEqual({ ErrorEquals: ['ValidationError', 'InvariantViolation', 'EodDateInFuture'], MaxAttempts: 0 });
    expect(backoff).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 3, JitterStrategy: 'FULL' });
    expect(backoff!.IntervalSeconds).toBeGreaterThan(0);
    expect(backoff!.BackoffRate).toBeGreaterThan(1);
    expect(backoff!.MaxDelaySeconds).toBeGreaterThan(0);
  });

  it('is a standard workflow with a time limit, traced, logging every transition but no payloads', () => {
    expect(asl.TimeoutSeconds).toBeGreaterThan(0);
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const logGroup = ((machine.Properties!['LoggingConfiguration'] as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string] } } }[] }).Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0]);
    expect(propsOf(logGroup)).toMatchObject({ LogGroupName: expect.stringMatching(/^\/aws\/vendedlogs\/states\//), RetentionInDays: 365 });
    expect(resources[logGroup]!.DeletionPolicy).toBe('Retain');
  });

  it('may invoke its two functions and nothing else', () => {
    const roleId = (machine.Properties!['RoleArn'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = statementsOfRole(resources, roleId);
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0]!)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(invoke[0]!.Resource).match(/EndOfDay\w+Function\w+/g)!.sort()).toEqual([reportFn, reportFn, shardFn, shardFn].sort());
    for (const statement of statements.filter((s) => s !== invoke[0])) {
      for (const action of actionsOf(statement)) expect(action).toMatch(/^(logs|xray):/);
    }
  });
});

describe('the nightly schedule', () => {
  const [, schedule] = ofType('AWS::Scheduler::Schedule')[0]!;

  it('starts the state machine daily at 00:30 Asia/Shanghai, to the minute, with the scheduled time as input', () => {
    expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(1);
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(30 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: { Ref: machineId } },
    });
    const target = schedule.Properties!['Target'] as { Input: string; RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number }; RoleArn: { 'Fn::GetAtt': [string] } };
    expect(JSON.parse(target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(6 * 3600);
    const statements = statementsOfRole(resources, target.RoleArn['Fn::GetAtt'][0]);
    expect(statements.map((s) => [actionsOf(s), s.Resource])).toEqual([[['states:StartExecution'], { Ref: machineId }]]);
  });
});

describe('the end-of-day functions', () => {
  it.each([shardFn, reportFn])('%s: Node.js 24 on ARM64, traced, the service’s variables, never the SigV4 caller map', (id) => {
    const props = propsOf(id);
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' });
    const variables = (props['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({ METRICS_NAMESPACE: 'CreditService', POWERTOOLS_SERVICE_NAME: 'credit-service', [TABLE_NAME_ENV]: { 'Fn::ImportValue': expect.stringMatching(/^CreditLedger:/) } });
    expect(variables).not.toHaveProperty(IAM_PRINCIPALS_ENV);
    // Not behind API Gateway: invoked by the state machine's role, not by a resource policy.
    expect(ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties!['FunctionName']).includes(id))).toEqual([]);
  });

  it('the shard function gets minutes (a shard of a large book), the report function seconds', () => {
    expect(propsOf(shardFn)['Timeout']).toBeGreaterThanOrEqual(300);
    expect(propsOf(shardFn)['Timeout']).toBeLessThanOrEqual(900);
    expect(propsOf(reportFn)['Timeout']).toBeLessThanOrEqual(60);
  });

  it('the shard function appends events like any command (RW on the ledger)', () => {
    expect(actionsOfRole(roleOf(shardFn))).toEqual(
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
  });

  it('the report function may only put the end-of-day report items: no read, no event', () => {
    const statements = statementsOfRole(resources, roleOf(reportFn));
    expect(actionsOfRole(roleOf(reportFn))).toEqual(['dynamodb:PutItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const put = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(put).toHaveLength(1);
    expect(put[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${EOD_KEY_PREFIX}*`] } });
  });
});

describe('end-of-day alarms', () => {
  const alarms = new Map(ofType('AWS::CloudWatch::Alarm').map(([, r]) => [JSON.stringify(r.Properties!['AlarmName']).match(/-([a-z0-9-]+)"/)![1]!, r.Properties!]));

  it('alarms when a nightly run fails or times out', () => {
    const alarm = alarms.get('eod-run-failed')!;
    expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(alarm['AlarmDescription']).toMatch(/\{"date": "YYYY-MM-DD"\}/);
    const metrics = alarm['Metrics'] as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] }; Stat: string } }[];
    expect(metrics.find((m) => m.Expression !== undefined)!.Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
    const stats = metrics.filter((m) => m.MetricStat !== undefined).map((m) => m.MetricStat!);
    expect(stats.map((s) => [s.Metric.Namespace, s.Metric.MetricName, s.Stat]).sort()).toEqual([
      ['AWS/States', 'ExecutionsFailed', 'Sum'],
      ['AWS/States', 'ExecutionsTimedOut', 'Sum'],
    ]);
    for (const stat of stats) expect(stat.Metric.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: machineId } }]);
  });

  it('the nightly run reports under the dimensions the end-of-day alarms watch, like the ops route', () => {
    expect(EOD_METRIC_DIMENSIONS).toEqual({ operation: EOD_OPERATION, channel: 'ops' });
    for (const name of ['eod-failures', 'eod-missing']) {
      expect(alarms.get(name)!['Dimensions'], name).toEqual(
        expect.arrayContaining([
          { Name: 'operation', Value: EOD_METRIC_DIMENSIONS.operation },
          { Name: 'channel', Value: EOD_METRIC_DIMENSIONS.channel },
        ]),
      );
    }
  });

  it('refuses an ops-eod route open to others, whose metrics the alarms would then miss', () => {
    const eodRoute = routes.find((r) => r.operation === EOD_OPERATION)!;
    const widened = { ...eodRoute, roles: ['ops', 'channel'] as const };
    expect(() => composeService(appWithProjectContext(), undefined, { routes: [widened] })).toThrow(/open to ops only/);
  });

  it('shows the nightly runs and their functions on the dashboard', () => {
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties!['DashboardBody']);
    expect(body).toContain('End of day: nightly runs');
    expect(body).toContain('ExecutionsFailed');
    expect(body).toContain('eod-shard failures');
  });
});
