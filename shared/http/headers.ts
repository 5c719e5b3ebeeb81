/**
 * Case-insensitive request headers. API Gateway keeps the client's spelling of header names
 * and repeats values in `multiValueHeaders`; handlers only ever see lower-case names.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '#domain/errors.ts';

/** Lower-case header name → every value received for it. */
export type RequestHeaders = ReadonlyMap<string, readonly string[]>;

export function headersOf(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>): RequestHeaders {
  const headers = new Map<string, string[]>();
  const add = (name: string, value: unknown) => {
    if (typeof value !== 'string') return;
    const key = name.toLowerCase();
    const values = headers.get(key);
    if (values === undefined) headers.set(key, [value]);
    else values.push(value);
  };
  // multiValueHeaders holds every value; `headers` only the last one, so it is a fallback.
  const multi = event.multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) {
    if (Array.isArray(values)) for (const value of values) add(name, value);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (!headers.has(name.toLowerCase())) add(name, value);
  }
  return headers;
}

/**
 * The one value of a header that must not be repeated, or undefined when absent. Repeats of
 * the same value are tolerated (proxies duplicate headers); different values are a 400.
 */
export function singleHeader(headers: RequestHeaders, name: string): string | undefined {
  const values = headers.get(name.toLowerCase());
  if (values === undefined || values.length === 0) return undefined;
  const [first] = values;
  if (values.some((value) => value !== first)) throw ValidationError.of(`header.${name.toLowerCase()}`, 'must be sent once');
  return first;
}
