/**
 * End of day, every night by itself (DESIGN §10): an EventBridge Scheduler schedule at 00:30
 * Asia/Shanghai starts a Step Functions state machine that maps over the end-of-day shards and
 * then keeps the date's portfolio report. Its tasks are the functions of functions/jobs.ts,
 * built by ApiFunction like the API's (Node.js 24, ARM64, the same bundling, traced, own logs):
 *
 *   input  { "scheduledTime": "<the schedule's time>" }   nightly: the date is yesterday in Shanghai
 *          { "date": "YYYY-MM-DD" }                      a re-run by hand (idempotent)
 *   Shards Map over 0..EOD_SHARD_COUNT-1, at most EOD_MAP_CONCURRENCY at once:
 *          eod-shard { shard, date | scheduledTime } → that shard's counts and totals (a few KB)
 *   Report eod-report { date, startedAt, shards: [every shard's answer] }
 *          → keeps EOD#<date> REPORT, emits the end-of-day metrics, answers the report in yuan
 *
 * Shard results travel in the state, not through the table: each is bounded (counts, totals and
 * at most EOD_MAX_LISTED_FAILURES named failures), so all of them stay far below Step Functions'
 * 256 KB, and a report is only ever built from the shards of one execution, never from a stale
 * result an earlier run left behind. A shard that still fails after its retries fails the run:
 * no report is kept, and the run-failed alarm says to start it again for the date.
 */
import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { NON_RETRYABLE_ERRORS } from '#http/job.ts';
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';
import { jobOf, type JobName } from '../../functions/jobs.ts';
import { ApiFunction } from './api-function.ts';
import type { LedgerTable } from './ledger-table.ts';

/** Shards run at once: enough to finish in minutes, few enough to leave the table's burst to the API. */
export const EOD_MAP_CONCURRENCY = 4;
/** 00:30 in Shanghai: the business day ended half an hour ago (DESIGN §10). */
export const EOD_SCHEDULE = { hour: '0', minute: '30', timeZone: TimeZone.ASIA_SHANGHAI } as const;
/** A shard of a large book pages and values thousands of facilities; Lambda allows 15 minutes. */
export const EOD_SHARD_TIMEOUT = Duration.minutes(10);
export const EOD_REPORT_TIMEOUT = Duration.seconds(30);
/** A whole run, retries included; a run still going by then has failed (and alarms). */
export const EOD_RUN_TIMEOUT = Duration.hours(3);
/** Retries of a task that failed (a crash, a timeout, throttling after the ledger's own retries). */
export const EOD_TASK_RETRY = { maxAttempts: 3, interval: Duration.seconds(10), backoffRate: 2, maxDelay: Duration.minutes(2) } as const;
/** Scheduler's own retries when it cannot start the run (bounded; the eod-missing alarm backs them). */
export const EOD_START_RETRY = { retryAttempts: 10, maxEventAge: Duration.hours(6) } as const;

export interface EndOfDayProps {
  readonly ledger: LedgerTable;
  /** Variables every function of the service gets (metrics namespace, service name). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default functions/<name>/handler.ts */
  readonly entryFor?: (name: string) => string;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
}

export class EndOfDay extends Construct {
  /** By job name: eod-shard, eod-report. */
  readonly functions: ReadonlyMap<JobName, ApiFunction>;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;
  readonly runLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EndOfDayProps) {
    super(scope, id);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const job = (name: JobName, tuning: { timeout: Duration; memorySize?: number }) =>
      new ApiFunction(this, name === 'eod-shard' ? 'Shard' : 'Report', {
        operation: name,
        description: jobOf(name).summary,
        environment: props.environment,
        ...(props.entryFor === undefined ? {} : { entry: props.entryFor(name) }),
        ...tuning,
        logRetention: retention,
      });
    // The shard appends EndOfDay events (RW, as any command); the report writes its own item only.
    const shard = job('eod-shard', { timeout: EOD_SHARD_TIMEOUT, memorySize: 1024 });
    props.ledger.bind(shard.fn, 'RW');
    const report = job('eod-report', { timeout: EOD_REPORT_TIMEOUT });
    props.ledger.bindEodReports(report.fn);
    this.functions = new Map([
      ['eod-shard', shard],
      ['eod-report', report],
    ]);

    const runShard = tasks.LambdaInvoke.jsonata(this, 'RunShard', {
      stateName: 'Run one shard',
      lambdaFunction: shard.fn,
      outputs: '{% $states.result.Payload %}',
      // Retried below, with every other error: one policy, stated once.
      retryOnServiceExceptions: false,
    });
    const shards = sfn.Map.jsonata(this, 'Shards', {
      stateName: 'Every shard',
      items: sfn.ProvideItems.jsonArray(Array.from({ length: EOD_SHARD_COUNT }, (_, shardNumber) => shardNumber)),
      maxConcurrency: EOD_MAP_CONCURRENCY,
      // The run's input ({ date } or { scheduledTime }) plus the shard number.
      jsonataItemSelector: '{% $merge([$states.input, {"shard": $states.context.Map.Item.Value}]) %}',
    }).itemProcessor(retried(runShard));
    const keepReport = retried(
      tasks.LambdaInvoke.jsonata(this, 'KeepReport', {
        stateName: 'Keep the report',
        lambdaFunction: report.fn,
        // The Map's output is every shard's answer, in shard order; each names the date it ran.
        payload: sfn.TaskInput.fromObject({ date: '{% $states.input[0].date %}', startedAt: '{% $states.context.Execution.StartTime %}', shards: '{% $states.input %}' }),
        outputs: '{% $states.result.Payload %}',
        retryOnServiceExceptions: false,
      }),
    );

    const stackName = Stack.of(this).stackName;
    // Under /aws/vendedlogs/: Step Functions delivers there without growing the account's log resource policy.
    this.runLogs = new logs.LogGroup(this, 'RunLogs', {
      logGroupName: `/aws/vendedlogs/states/${stackName}-end-of-day`,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Run', {
      comment: 'End of day: every shard (settlement, overdue, repricing; idempotent), then the portfolio report of the date',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(shards.next(keepReport)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: EOD_RUN_TIMEOUT,
      tracingEnabled: true,
      // Every state transition, but no payloads: they carry facility ids and portfolio amounts.
      logs: { destination: this.runLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions logging and X-Ray tracing: logs:CreateLogDelivery and the other log-delivery actions, and xray:PutTraceSegments, support no resource-level permissions.',
      },
      ...[shard, report].map((task) => ({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(task.fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: `CDK's Lambda task grants its own function (${task.operation}) and that function's versions and aliases (ARN:*); nothing else.`,
      })),
    );

    this.schedule = new scheduler.Schedule(this, 'Nightly', {
      description: 'Starts end of day for the business day that just ended (Asia/Shanghai)',
      schedule: scheduler.ScheduleExpression.cron(EOD_SCHEDULE),
      // To the minute: the run's date comes from the scheduled time, and the alarms expect it by then.
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        ...EOD_START_RETRY,
      }),
    });
  }
}

/** Input that fails once fails again: no retry. Anything else: a few tries with growing, jittered waits. */
function retried(task: sfn.TaskStateBase): sfn.TaskStateBase {
  return task
    .addRetry({ errors: [...NON_RETRYABLE_ERRORS], maxAttempts: 0 })
    .addRetry({ errors: [sfn.Errors.ALL], ...EOD_TASK_RETRY, jitterStrategy: sfn.JitterType.FULL });
}
