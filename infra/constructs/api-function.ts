/**
 * One Lambda function per API operation (and per job of functions/jobs.ts, which the end-of-day
 * state machine invokes), configured once: Node.js 24 on ARM64, an ESM
 * bundle built by the local esbuild (no Docker, works offline), active X-Ray tracing, its
 * own log group with a fixed retention, and a role that may write to that log group only.
 * Table access is added by LedgerTable.bind(fn, 'RO' | 'RW'); nothing else is granted here.
 */
import { DYNAMODB_ENDPOINT_ENV, LOCAL_DEV_ENV, METRICS_NAMESPACE_ENV, SERVICE_NAME_ENV } from '#config/env.ts';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Local-development switches that must never reach AWS: LOCAL_DEV lets callers choose their
 * principal and business date with headers; DYNAMODB_ENDPOINT points the ledger elsewhere.
 */
export const FORBIDDEN_ENV: readonly string[] = [LOCAL_DEV_ENV, DYNAMODB_ENDPOINT_ENV];

/** The repository root: esbuild resolves package.json "imports" (#domain/*, …) from here. */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** functions/<operation>/handler.ts, exporting `handler`. */
function handlerEntry(operation: string): string {
  return fileURLToPath(new URL(`../../functions/${operation}/handler.ts`, import.meta.url));
}

/**
 * An ES module has no `require`. No dependency bundled today needs one (checked), but a CommonJS
 * dependency that requires a Node built-in would otherwise fail only at run time, on its code path.
 */
const CREATE_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * The one set of bundling options for every function, in CDK's names for esbuild's options
 * (exported so a bundle-size benchmark can build exactly what deploys). The AWS SDK is bundled rather than taken from the runtime: the
 * version we test is the version we run, and tree-shaking keeps only the DynamoDB client.
 * @public bench/bundle.ts imports it dynamically (knip cannot see that import).
 */
export const BUNDLING = {
  format: nodejs.OutputFormat.ESM,
  target: 'node24',
  // Prefer the ES module builds of dependencies: they tree-shake, the CommonJS ones do not.
  mainFields: ['module', 'main'],
  minify: true,
  // Text outside ASCII (the zh-CN problem details, the rules' Chinese terms) as UTF-8, not \uXXXX escapes: half the bytes.
  charset: nodejs.Charset.UTF8,
  sourceMap: true,
  // Stack traces need the mappings, not the source text: keeps the deployment package small.
  sourcesContent: false,
  // Nothing is external: @aws-sdk/* and @smithy/* are bundled (the default would exclude them).
  externalModules: [],
  // esbuild is a devDependency: synthesis must work offline on a machine without Docker.
  forceDockerBundling: false,
  banner: CREATE_REQUIRE_BANNER,
  logLevel: nodejs.LogLevel.ERROR,
} as const satisfies nodejs.BundlingOptions;

export interface ApiFunctionProps {
  /** The route's operation or the job's name: names the folder, the log group's function and the `operation` tag. */
  readonly operation: string;
  /** One line for the console, e.g. "POST /v1/facilities/{facilityId}/drawdowns". */
  readonly description: string;
  /** Variables every function of the service gets (namespace, service name, …). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default functions/<operation>/handler.ts */
  readonly entry?: string;
  /** @default 512 MB: also buys CPU, which cuts cold-start and zod parse time. */
  readonly memorySize?: number;
  /** @default 10 s: API Gateway gives up at 29 s; a command takes milliseconds plus bounded retries. */
  readonly timeout?: Duration;
  /** Caps this function's share of the account's concurrency. @default none (unreserved) */
  readonly reservedConcurrency?: number;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
}

export class ApiFunction extends Construct {
  readonly operation: string;
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    for (const name of FORBIDDEN_ENV) {
      if (Object.hasOwn(props.environment, name)) throw new Error(`${props.operation}: ${name} must never be set on a deployed function`);
    }
    this.operation = props.operation;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // Logs outlive the function: they are the audit trail of what it did.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role instead of AWSLambdaBasicExecutionRole, which may create and write any log group.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.operation} operation`,
    });
    this.logGroup.grantWrite(role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry ?? handlerEntry(props.operation),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role,
      description: props.description,
      bundling: BUNDLING,
      environment: {
        ...props.environment,
        // Stack traces point into functions/ and shared/, not into the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Tags.of(this).add('operation', props.operation);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
}

/** The variables every API function gets; METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME are read by shared/http/observability.ts. */
export function serviceEnvironment(metricsNamespace: string, serviceName: string): Record<string, string> {
  return { [METRICS_NAMESPACE_ENV]: metricsNamespace, [SERVICE_NAME_ENV]: serviceName };
}
