/**
 * End of day, every night by itself (docs/end-of-day.md): an EventBridge Scheduler schedule at 00:30
 * Asia/Shanghai starts a Step Functions state machine that maps over ranges of the end-of-day
 * shards and then keeps the date's portfolio report. Its tasks are the functions of
 * functions/jobs.ts, built by ApiFunction like the API's (Node.js 24, ARM64, the same bundling,
 * traced, own logs):
 *
 *   input   { "scheduledTime": "<the schedule's time>" }   nightly: the date is yesterday in Shanghai
 *           { "date": "YYYY-MM-DD" }                      a re-run by hand (idempotent)
 *   Ranges  Map (inline, or Distributed past the inline Map's limits) over the configured ranges of
 *           shards (infra/eod-config.ts: credit:eodGroups, credit:eodConcurrency), each a loop:
 *             eod-shard { run, from, to, date | scheduledTime [, next, part] }
 *               → the range's part so far and, unless done, the cursor to go on from
 *             more to page? → eod-shard again with that answer as it stands; done → { date }
 *           An invocation stops paging when its time runs low (EOD_TIME_MARGIN_MS) and the loop
 *           calls it again from its cursor; a retry after a crash resumes from the last cursor
 *           handed back. The last invocation of a range keeps its part (EOD#<date> PART#<run>#…).
 *   Report  eod-report { date, startedAt, run } → combines the run's parts, keeps EOD#<date> REPORT,
 *           emits the end-of-day metrics, answers the report in yuan
 *
 * What travels in the state stays small whatever the book: a range's part (counts, totals and at
 * most EOD_MAX_LISTED_FAILURES named failures, a few KB) between invocations of one range, and
 * only `{ date }` out of each range, so even 1 024 ranges stay far below Step Functions' 256 KB.
 * The parts go through the table, keyed by the run (the execution's name): a report is only ever
 * built from the parts of one execution, never from a stale one an earlier run left behind. A
 * range that still fails after its retries fails the run: no report is kept, and the run-failed
 * alarm says to start it again for the date.
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
import { eodRanges } from '#app/eod.ts';
import { jobOf, type JobName } from '../../functions/jobs.ts';
import { EOD_RUN_DEFAULTS, EOD_SHARD_MEMORY_MB, EOD_SHARD_TIMEOUT_SECONDS, mapModeOf, type EodRunConfig, type MapMode } from '../eod-config.ts';
import { ApiFunction } from './api-function.ts';
import type { LedgerTable } from './ledger-table.ts';

/** 00:30 in Shanghai: the business day ended half an hour ago (docs/end-of-day.md). */
const EOD_SCHEDULE = { hour: '0', minute: '30', timeZone: TimeZone.ASIA_SHANGHAI } as const;
/** One invocation of a range: it stops paging EOD_TIME_MARGIN_MS before this, and the loop calls it again. */
const EOD_SHARD_TIMEOUT = Duration.seconds(EOD_SHARD_TIMEOUT_SECONDS);
const EOD_REPORT_TIMEOUT = Duration.seconds(30);
/** A whole run, retries included; a run still going by then has failed (and alarms). */
const EOD_RUN_TIMEOUT = Duration.hours(3);
/** Retries of a task that failed (a crash, a timeout, throttling after the ledger's own retries). */
const EOD_TASK_RETRY = { maxAttempts: 3, interval: Duration.seconds(10), backoffRate: 2, maxDelay: Duration.minutes(2) } as const;
/** Scheduler's own retries when it cannot start the run (bounded; the eod-missing alarm backs them). */
const EOD_START_RETRY = { retryAttempts: 10, maxEventAge: Duration.hours(6) } as const;

export interface EndOfDayProps {
  readonly ledger: LedgerTable;
  /** Variables every function of the service gets (metrics namespace, service name). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default functions/<name>/handler.ts */
  readonly entryFor?: (name: string) => string;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** Ranges and concurrency (CDK context, infra/eod-config.ts). @default EOD_RUN_DEFAULTS */
  readonly run?: EodRunConfig;
}

export class EndOfDay extends Construct {
  /** By job name: eod-shard, eod-report. */
  readonly functions: ReadonlyMap<JobName, ApiFunction>;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;
  readonly runLogs: logs.LogGroup;
  readonly mapMode: MapMode;

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
    // The shard appends EndOfDay events (RW, as any command) and keeps its range's part; the report reads parts and writes the report, under EOD# only.
    const shard = job('eod-shard', { timeout: EOD_SHARD_TIMEOUT, memorySize: EOD_SHARD_MEMORY_MB });
    props.ledger.bind(shard.fn, 'RW');
    const report = job('eod-report', { timeout: EOD_REPORT_TIMEOUT });
    props.ledger.bindEodReports(report.fn);
    this.functions = new Map([
      ['eod-shard', shard],
      ['eod-report', report],
    ]);

    const config = props.run ?? EOD_RUN_DEFAULTS;
    this.mapMode = mapModeOf(config);
    const runRange = retried(
      tasks.LambdaInvoke.jsonata(this, 'RunShard', {
        stateName: 'Run the range',
        lambdaFunction: shard.fn,
        // Payload (by default the state's input): the range, and from the second call on the previous answer as it stands.
        outputs: '{% $states.result.Payload %}',
        // Retried below, with every other error: one policy, stated once.
        retryOnServiceExceptions: false,
      }),
    );
    const rangeDone = sfn.Pass.jsonata(this, 'RangeDone', { stateName: 'Range done', outputs: '{% {"date": $states.input.date} %}' });
    const loop = runRange.next(
      sfn.Choice.jsonata(this, 'MorePages', { stateName: 'More to page?' })
        .when(sfn.Condition.jsonata('{% $exists($states.input.next) %}'), runRange, { comment: 'The invocation ran low on time: call it again from its cursor' })
        .otherwise(rangeDone),
    );
    const mapProps = {
      stateName: 'Every range',
      items: sfn.ProvideItems.jsonArray(eodRanges(config.groups)),
      maxConcurrency: config.concurrency,
      // The run's input ({ date } or { scheduledTime }), the range, and the run's id (this execution's name, also in a Distributed Map's child workflows).
      jsonataItemSelector: '{% $merge([$states.input, $states.context.Map.Item.Value, {"run": $states.context.Execution.Name}]) %}',
      outputs: '{% {"date": $states.result[0].date, "run": $states.context.Execution.Name} %}',
    };
    const ranges =
      this.mapMode === 'INLINE'
        ? sfn.Map.jsonata(this, 'Shards', mapProps).itemProcessor(loop)
        : sfn.DistributedMap.jsonata(this, 'Shards', { ...mapProps, mapExecutionType: sfn.StateMachineType.STANDARD, label: 'EndOfDayRanges' }).itemProcessor(loop);
    const keepReport = retried(
      tasks.LambdaInvoke.jsonata(this, 'KeepReport', {
        stateName: 'Keep the report',
        lambdaFunction: report.fn,
        payload: sfn.TaskInput.fromObject({ date: '{% $states.input.date %}', startedAt: '{% $states.context.Execution.StartTime %}', run: '{% $states.input.run %}' }),
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
      comment: 'End of day: every range of shards, each invocation going on from the last one\'s cursor (settlement, overdue, repricing; idempotent), then the portfolio report of the date',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(ranges.next(keepReport)),
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

    if (this.mapMode === 'DISTRIBUTED') {
      Validations.of(this.stateMachine).acknowledge(...this.#distributedMapAcknowledgements());
    }
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

  /** What CDK grants a Distributed Map: its own child executions (and map runs) of this state machine, found by name. */
  #distributedMapAcknowledgements() {
    const machine = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    const reason = 'A Distributed Map starts, describes and stops its own child workflow executions, whose names Step Functions assigns: this state machine\'s executions (and its map runs) only.';
    return [
      { id: `AwsSolutions-IAM5[Resource::${executions}:*]`, reason },
      { id: `AwsSolutions-IAM5[Resource::${executions}/EndOfDayRanges:*]`, reason },
    ];
  }
}

/** Input that fails once fails again: no retry. Anything else: a few tries with growing, jittered waits. */
function retried(task: sfn.TaskStateBase): sfn.TaskStateBase {
  return task
    .addRetry({ errors: [...NON_RETRYABLE_ERRORS], maxAttempts: 0 })
    .addRetry({ errors: [sfn.Errors.ALL], ...EOD_TASK_RETRY, jitterStrategy: sfn.JitterType.FULL });
}
