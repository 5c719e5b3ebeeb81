/**
 * Environment access for Lambda init code. Call these at module top level (once per cold
 * start), never per request: a missing variable then fails the deployment's first
 * invocation loudly instead of failing one request at a time.
 */

/** The value of `name`; throws naming the variable when it is unset or empty. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`missing required environment variable ${name}`);
  }
  return value;
}

/** The value of `name`, or `fallback` when it is unset or empty. */
export function optionalEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** True only when `name` is exactly "1": a typo or "true" must not switch a flag on. */
export function flagEnv(name: string): boolean {
  return process.env[name] === '1';
}

// ---- every environment variable the service reads, by name (README "Configuration") ----

/** The DynamoDB table of the journal (set by CDK; by the local store locally). */
export const TABLE_NAME_ENV = 'LEDGER_TABLE_NAME';
/** The Lambda runtime's region: where the DynamoDB client connects. */
export const AWS_REGION_ENV = 'AWS_REGION';
/** Set only by the local server and tests: the embedded store's endpoint (never in AWS). */
export const DYNAMODB_ENDPOINT_ENV = 'DYNAMODB_ENDPOINT';
/** JSON map of IAM role ARN → `channel:<id>` | `ops:<id>` (set by CDK from the credit:iamPrincipals context). */
export const IAM_PRINCIPALS_ENV = 'IAM_PRINCIPALS';
/**
 * The staff user pool's OIDC issuer, https://cognito-idp.<region>.amazonaws.com/<poolId> (set by CDK on the
 * functions of routes open to ops): only ID tokens of that pool, of members of its `ops` group, act as ops.
 */
export const STAFF_ISSUER_ENV = 'STAFF_ISSUER';
/** "1" only under `npm start` and tests: honours the x-dev-* headers. Never set in AWS (infra refuses it). */
export const LOCAL_DEV_ENV = 'LOCAL_DEV';
/** CloudWatch EMF namespace of the business metrics. */
export const METRICS_NAMESPACE_ENV = 'METRICS_NAMESPACE';
/** Powertools' service name: the `service` of log lines and the metrics' service dimension. */
export const SERVICE_NAME_ENV = 'POWERTOOLS_SERVICE_NAME';
/** `npm start`: the port (default 3000). */
export const PORT_ENV = 'PORT';
/** `npm start` / `npm run eod`: where the embedded store keeps its files (default .data/). */
export const DATA_DIR_ENV = 'DATA_DIR';
/** `npm start`: "0" starts without demo data. */
export const SEED_DEMO_ENV = 'SEED_DEMO';
/** CDK: the account and region `cdk synth`/`deploy` target (set by the CDK CLI from the AWS profile). */
export const CDK_DEFAULT_ACCOUNT_ENV = 'CDK_DEFAULT_ACCOUNT';
export const CDK_DEFAULT_REGION_ENV = 'CDK_DEFAULT_REGION';
