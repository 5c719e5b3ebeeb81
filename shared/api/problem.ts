/**
 * The problem document (RFC 9457) as a schema, for OpenAPI. shared/http/problem.ts builds the
 * documents; test/http/errors.test.ts checks that what it builds matches this schema.
 */
import { PROBLEM_CODES } from '../http/errors.ts';
import type { ProblemCode } from '../http/problem.ts';
import * as z from './z.ts';

export const ProblemSchema = z
  .object({
    type: z.string().check(z.meta({ description: 'A URI naming the problem code.', format: 'uri' })),
    title: z.string(),
    status: z.int().check(z.gte(400), z.lte(599)),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES as [ProblemCode, ...ProblemCode[]]),
    instance: z.optional(z.string().check(z.meta({ description: 'The request path.' }))),
    errors: z.optional(
      z.array(z.object({ path: z.string().check(z.meta({ description: 'Dotted field path; query. and path. prefix parameters, header. headers.' })), message: z.string() })),
    ),
  })
  .check(z.meta({ id: 'Problem', description: 'An RFC 9457 problem document; `code` is stable, `detail` is for people.' }));
