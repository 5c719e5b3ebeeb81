/**
 * The nightly end of day as the app composes it: an EventBridge Scheduler schedule at 00:30
 * Asia/Shanghai starts a Step Functions state machine that maps over ranges of shards (bounded,
 * retried with backoff, each range a loop of invocations going on from each other's cursor; a
 * Distributed Map past the inline Map's limits) and then keeps the report; two functions built like the API's, each
 * with only the table access it needs; and an alarm when a run fails or times out.
 */
import { IAM_PRINCIPALS_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { EOD_METRIC_DIMENSIONS } from '#http/observability.ts';

import { EOD_KEY_PREFIX, EOD_SHARD_COUNT } from '#ledger/schema.ts';
import { routes } from '../../functions/routes.ts';
import { CONTEXT, composeService } from '../../infra/compose.ts';
import validator from 'asl-validator';
import { EOD_TIME_MARGIN_MS, eodRanges } from '#app/eod.ts';
import { EOD_CONTEXT, EOD_RUN_DEFAULTS, EOD_SHARD_TIMEOUT_SECONDS, eodRunConfig, INLINE_MAP_MAX_CONCURRENCY, INLINE_MAP_MAX_ITEMS, mapModeOf } from '../../infra/eod-config.ts';
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
interface AslChoice {
  Type: 'Choice';
  Choices: { Condition: string; Next: string }[];
  Default: string;
}
interface AslPass {
  Type: 'Pass';
  Output: string;
  End: boolean;
}
interface AslMap {
  Type: 'Map';
  Items: { from: number; to: number }[];
  MaxConcurrency: number;
  ItemSelector: string;
  Output: string;
  ItemProcessor: { ProcessorConfig: { Mode: string; ExecutionType?: string }; StartAt: string; States: Record<string, AslTask | AslChoice | AslPass> };
  Label?: string;
  Next: string;
}
type Asl = { StartAt: string; QueryLanguage: string; TimeoutSeconds: number; States: Record<string, AslMap | AslTask> };

/** The definition of a template's state machine, each intrinsic (function ARNs, partition) replaced by a stand-in that keeps it valid ASL. */
function definitionOf(resourcesOf: Resources): Asl {
  const [, sm] = Object.entries(resourcesOf).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')!;
  const standIn = (part: unknown): string => {
    const getAtt = (part as { 'Fn::GetAtt'?: [string] })['Fn::GetAtt']?.[0];
    if (getAtt !== undefined) return `arn:aws:lambda:ap-east-1:123456789012:function:${getAtt}`;
    return 'aws';
  };
  const joined = ((sm.Properties!['DefinitionString'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : standIn(part))).join('');
  return JSON.parse(joined.replaceAll('arn:arn:aws:lambda', 'arn:aws:lambda')) as Asl;
}
const functionIdOf = (task: AslTask) => (task.Arguments.FunctionName.match(/function:(\w+)$/) ?? [])[1];
const asl = definitionOf(resources);

/** The service composed with other end-of-day context. */
function composedWith(context: Record<string, unknown>) {
  const other = composeService(appWithProjectContext({ context: { [CONTEXT.iamPrincipals]: TEST_IAM_PRINCIPALS, ...context } }));
  return Template.fromStack(other.api).toJSON()['Resources'] as Resources;
}

describe('the state machine', () => {
  const map = asl.States[asl.StartAt] as AslMap;
  const processor = map.ItemProcessor;
  const shardTask = processor.States[processor.StartAt] as AslTask;
  const choice = processor.States[shardTask.Next!] as AslChoice;
  const done = processor.States[choice.Default] as AslPass;
  const reportTask = asl.States[map.Next] as AslTask;

  it('is valid Amazon States Language (asl-validator), as configured and with a Distributed Map', () => {
    const check = (definition: Asl) => {
      const { isValid, errors } = validator(definition, { checkArn: true, checkPaths: true });
      return { isValid, errors };
    };
    expect(check(asl)).toEqual({ isValid: true, errors: [] });
    expect(check(definitionOf(composedWith({ [EOD_CONTEXT.groups]: 1024, [EOD_CONTEXT.concurrency]: 200 })))).toEqual({ isValid: true, errors: [] });
    // The validator does catch a broken loop: a Choice sending to a state that is not there.
    const broken = structuredClone(asl);
    ((broken.States[broken.StartAt] as AslMap).ItemProcessor.States[choice.Default] as unknown as { Type: string; Next: string; End?: boolean }) = { Type: 'Pass', Next: 'Nowhere' };
    expect(check(broken).isValid).toBe(false);
  });

  it('maps over the configured ranges of shards, inline, at most the configured number at once, each with the run’s input, its range and the run’s id', () => {
    expect(asl.QueryLanguage).toBe('JSONata');
    expect(map.Type).toBe('Map');
    expect(map.Items).toEqual(eodRanges(EOD_RUN_DEFAULTS.groups));
    expect(map.Items).toHaveLength(64);
    expect(map.Items[0]).toEqual({ from: 0, to: 16 });
    expect(map.Items.at(-1)).toEqual({ from: 1008, to: EOD_SHARD_COUNT });
    expect(map.MaxConcurrency).toBe(EOD_RUN_DEFAULTS.concurrency);
    expect(processor.ProcessorConfig.Mode).toBe('INLINE');
    expect(map.ItemSelector).toBe('{% $merge([$states.input, $states.context.Map.Item.Value, {"run": $states.context.Execution.Name}]) %}');
    // Out of the Map: the date and the run, not every range's answer (which could pass 256 KB).
    expect(map.Output).toBe('{% {"date": $states.result[0].date, "run": $states.context.Execution.Name} %}');
  });

  it('loops each range: the shard function, called again with its own answer as long as that names a cursor, then only the date out', () => {
    expect(shardTask).toMatchObject({ Type: 'Task', Arguments: { Payload: '{% $states.input %}' }, Output: '{% $states.result.Payload %}' });
    expect(functionIdOf(shardTask)).toBe(shardFn);
    expect(shardTask.Resource).toMatch(/:states:::lambda:invoke$/);
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([expect.objectContaining({ Condition: '{% $exists($states.input.next) %}', Next: processor.StartAt })]);
    expect(done).toEqual({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% {"date": $states.input.date} %}', End: true });
  });

  it('then keeps the report, from the run’s parts (by its id) and its start time', () => {
    expect(reportTask).toMatchObject({
      Type: 'Task',
      End: true,
      Arguments: { Payload: { date: '{% $states.input.date %}', startedAt: '{% $states.context.Execution.StartTime %}', run: '{% $states.input.run %}' } },
    });
    expect(functionIdOf(reportTask)).toBe(reportFn);
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

  it('stops each invocation in time: the margin leaves it under 80 % of its timeout, with room for the page in flight', () => {
    const timeoutMs = (propsOf(shardFn)['Timeout'] as number) * 1000;
    expect(timeoutMs).toBe(EOD_SHARD_TIMEOUT_SECONDS * 1000);
    expect(EOD_TIME_MARGIN_MS).toBeGreaterThanOrEqual(0.2 * timeoutMs + 30_000);
    expect(EOD_TIME_MARGIN_MS).toBeLessThan(timeoutMs / 2);
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

describe('grouping and concurrency are configuration (CDK context)', () => {
  it('past the inline Map’s limits it runs a Distributed Map of standard child workflows, the same loop in each', () => {
    const big = composedWith({ [EOD_CONTEXT.groups]: 1024, [EOD_CONTEXT.concurrency]: '200' });
    const definition = definitionOf(big);
    const map = definition.States[definition.StartAt] as AslMap;
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.Items).toHaveLength(EOD_SHARD_COUNT);
    expect(map.Items.every((r, i) => r.from === i && r.to === i + 1)).toBe(true);
    expect(map.MaxConcurrency).toBe(200);
    expect(map.ItemSelector).toBe(asl.States[asl.StartAt] && (asl.States[asl.StartAt] as AslMap).ItemSelector);
    expect(Object.keys(map.ItemProcessor.States).sort()).toEqual(['More to page?', 'Range done', 'Run the range']);
    // Only `{ date }` comes out of each child: 1 024 of them stay far below 256 KB, no S3 result writer needed.
    expect(JSON.stringify(definition)).not.toContain('ResultWriter');
    // A Distributed Map starts its child workflows as executions of this very state machine.
    const [, sm] = Object.entries(big).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    const roleId = (sm.Properties!['RoleArn'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const actions = statementsOfRole(big, roleId).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution']));
    for (const action of actions) expect(action).toMatch(/^(logs|xray|lambda:InvokeFunction|states:(StartExecution|DescribeExecution|StopExecution|RedriveExecution))/);
  });

  it('chooses inline or distributed by the inline Map’s limits, and refuses nonsense at synth', () => {
    expect(mapModeOf(EOD_RUN_DEFAULTS)).toBe('INLINE');
    expect(mapModeOf({ groups: INLINE_MAP_MAX_ITEMS, concurrency: INLINE_MAP_MAX_CONCURRENCY })).toBe('INLINE');
    expect(mapModeOf({ groups: INLINE_MAP_MAX_ITEMS + 1, concurrency: 8 })).toBe('DISTRIBUTED');
    expect(mapModeOf({ groups: 64, concurrency: INLINE_MAP_MAX_CONCURRENCY + 1 })).toBe('DISTRIBUTED');
    const config = (context: Record<string, unknown>) => eodRunConfig((key) => context[key]);
    expect(config({})).toEqual(EOD_RUN_DEFAULTS);
    expect(config({ [EOD_CONTEXT.groups]: '256', [EOD_CONTEXT.concurrency]: 64 })).toEqual({ groups: 256, concurrency: 64 });
    for (const bad of [0, 1025, 1.5, '-3', 'many', true]) expect(() => config({ [EOD_CONTEXT.groups]: bad }), String(bad)).toThrow(/credit:eodGroups must be an integer from 1 to 1024/);
    expect(() => config({ [EOD_CONTEXT.concurrency]: 0 })).toThrow(/credit:eodConcurrency/);
    expect(() => composedWith({ [EOD_CONTEXT.groups]: 2000 })).toThrow(/credit:eodGroups/);
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
      ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
  });

  it('the report function may only read the run’s parts and put the report, under EOD#: never an event', () => {
    const statements = statementsOfRole(resources, roleOf(reportFn));
    expect(actionsOfRole(roleOf(reportFn))).toEqual(['dynamodb:PutItem', 'dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
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
