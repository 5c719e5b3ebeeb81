/**
 * The problem document (RFC 9457) as a schema, for OpenAPI and the tests that check responses
 * against it. It lives with the HTTP layer that builds the documents (problem.ts), not in
 * shared/api, which depends only on the domain; test/http/errors.test.ts checks that what
 * problem.ts builds matches it. Not imported by handlers: no function bundles it.
 */
import * as z from '../api/z.ts';
import { PROBLEM_CODES } from './errors.ts';
import type { ProblemCode } from './problem.ts';

export const ProblemSchema = /* @__PURE__ */ z.schema(() => z
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
  .check(z.meta({ id: 'Problem', description: 'An RFC 9457 problem document; `code` is stable, `detail` is for people.' })));
