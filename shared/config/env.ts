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
