/**
 * Every response the e2e suite receives is checked against the OpenAPI document the service
 * publishes (GET /openapi.json), so the document cannot drift from the server:
 *
 *   - the status is documented for the operation (a path no route matches must be a 404 or
 *     405 problem from the router);
 *   - errors are application/problem+json and successes application/json;
 *   - the body validates against the documented schema (JSON Schema 2020-12, with Ajv).
 *
 * A response outside the contract throws, naming the operation, the status and what is wrong.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { acceptsStaffToken, CONSOLE_PREFIX } from '#http/auth.ts';
import { buildOpenApi } from '#http/openapi.ts';
import { PROBLEM_CONTENT_TYPE } from '#http/problem.ts';
import { API_EXAMPLES, API_INFO, API_SERVERS, routes } from '../../functions/routes.ts';
import { createRouter } from '../../local/router.ts';

const DOCUMENT_ID = 'https://credit.example/openapi.json';
const document = buildOpenApi(routes, API_INFO, API_SERVERS, API_EXAMPLES);
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...document, $id: DOCUMENT_ID });
const router = createRouter(routes);

type Json = Record<string, unknown>;

/** `#/…` of the document, as Ajv resolves it: JSON-pointer escaped, then URI-encoded. */
function pointer(...segments: string[]): string {
  return `${DOCUMENT_ID}#/${segments.map((segment) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
}

function validate(ref: string, body: unknown): string[] {
  const check = ajv.getSchema(ref);
  if (check === undefined) return [`no schema at ${ref}`];
  if (check(body)) return [];
  return (check.errors ?? []).slice(0, 5).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

export interface ReceivedResponse {
  readonly method: string;
  /** The request path, e.g. /v1/facilities/F-1/drawdowns. */
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/**
 * The operation a request reached. The console mount serves the operations open to ops under
 * CONSOLE_PREFIX too (security scheme `staff`); any other path under it is one no operation has.
 */
function matchOperation(method: string, path: string): ReturnType<typeof router.match> {
  if (!path.startsWith(`${CONSOLE_PREFIX}/`)) return router.match(method, path);
  const match = router.match(method, path.slice(CONSOLE_PREFIX.length));
  return match.kind === 'found' && !acceptsStaffToken(match.route) ? { kind: 'not-found' } : match;
}

/** The ways `response` departs from the document (empty when it conforms). */
export function contractViolations(response: ReceivedResponse): string[] {
  const { method, status, contentType, text } = response;
  const match = matchOperation(method, response.path);
  const problems: string[] = [];
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    return [`the body is not JSON: ${text.slice(0, 80)}`];
  }
  const isError = status >= 400;
  const expectedType = isError ? PROBLEM_CONTENT_TYPE : 'application/json';
  if (contentType !== expectedType) problems.push(`content-type is ${contentType}, not ${expectedType}`);
  if (match.kind !== 'found') {
    // The router's own answers: not part of any operation, but problem documents all the same.
    if (!(status === 404 || status === 405)) problems.push(`${status} for a path no operation has`);
    return [...problems, ...validate(pointer('components', 'schemas', 'Problem'), body)];
  }
  const { route } = match;
  const operation = (document.paths[route.path]?.[route.method.toLowerCase()] ?? {}) as Json;
  const responses = (operation['responses'] ?? {}) as Record<string, Json>;
  const documented = responses[String(status)];
  if (documented === undefined) return [`${route.operation} answered ${status}, which its operation does not document (documented: ${Object.keys(responses).join(', ')})`];
  const ref = typeof documented['$ref'] === 'string' ? `${DOCUMENT_ID}${documented['$ref']}` : pointer('paths', route.path, route.method.toLowerCase(), 'responses', String(status));
  return [...problems, ...validate(`${ref}/content/${encodeURIComponent(expectedType.replace('/', '~1'))}/schema`, body)];
}

/** Throws when `response` is outside the document. */
export function assertInContract(response: ReceivedResponse): void {
  const problems = contractViolations(response);
  if (problems.length > 0) {
    throw new Error(`${response.method} ${response.path} → ${response.status} is outside the OpenAPI document:\n  ${problems.join('\n  ')}\n  body: ${response.text.slice(0, 300)}`);
  }
}
