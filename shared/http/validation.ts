/** Request validation with the route's zod schemas: every failing field, one 400. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { $ZodIssue, $ZodType } from 'zod/v4/core';
import { ValidationError, type FieldIssue } from '#domain/errors.ts';
import * as z from '../api/z.ts';
import type { RequestSchemas } from './route.ts';

export interface ValidatedRequest {
  readonly body: unknown;
  readonly query: unknown;
  readonly path: unknown;
}

/**
 * Validates and decodes body, query and path parameters. Field paths are dotted; query and
 * path parameters are prefixed (`query.limit`, `path.facilityId`) and body fields are not,
 * matching the paths use-cases report for the body.
 */
export function validateRequest(
  schemas: RequestSchemas | undefined,
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters' | 'pathParameters'>,
  body: unknown,
): ValidatedRequest {
  const issues: FieldIssue[] = [];
  const decode = (schema: $ZodType | undefined, input: unknown, prefix: string): unknown => {
    if (schema === undefined) return undefined;
    const result = z.safeParse(schema, input);
    if (result.success) return result.data;
    issues.push(...result.error.issues.map((issue) => fieldIssue(issue, prefix)));
    return undefined;
  };
  const validated = {
    body: decode(schemas?.body, body, ''),
    query: decode(schemas?.query, queryOf(event), 'query'),
    path: decode(schemas?.path, { ...event.pathParameters }, 'path'),
  };
  if (issues.length > 0) throw new ValidationError(issues);
  return validated;
}

/** Query parameters as strings, or arrays of strings when repeated (which a string schema rejects). */
function queryOf(event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>): Record<string, unknown> {
  const query: Record<string, unknown> = { ...event.queryStringParameters };
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (Array.isArray(values) && values.length > 1) query[name] = values;
  }
  return query;
}

function fieldIssue(issue: $ZodIssue, prefix: string): FieldIssue {
  const path = [...(prefix === '' ? [] : [prefix]), ...issue.path.map(String)].join('.');
  return { path, message: issue.message };
}
