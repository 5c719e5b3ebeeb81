/**
 * The local dev server: plain node:http on 127.0.0.1 that turns each request into the
 * API Gateway event of its route and calls that route's real handler
 * (functions/<operation>/handler.ts, export `handler`), loaded on first use. Unknown paths
 * get 404 and known paths with another method 405, as problem documents.
 *
 * Starting it sets LOCAL_DEV=1, which makes handlers honour x-dev-principal and
 * x-dev-business-date (shared/http/dev.ts) in this process only.
 */
import { LOCAL_DEV_ENV } from '#config/env.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import pLimit from 'p-limit';

import { acceptsStaffToken, CONSOLE_PREFIX } from '#http/auth.ts';
import { problemOf } from '#http/errors.ts';
import { problemResult } from '#http/problem.ts';
import type { AnyRoute } from '#http/route.ts';
import type { StaticPage } from './docs.ts';
import { lambdaContext, toProxyEvent } from './event.ts';
import { createRouter } from './router.ts';

export const DEFAULT_PORT = 3000;
export const LOCAL_HOST = '127.0.0.1';
/** API Gateway's own payload quota; the handlers enforce their much smaller limit themselves. */
export const MAX_LOCAL_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Handler invocations run at once, like a Lambda's reserved concurrency. The handlers and the
 * embedded store share this one process: unbounded, 64 writers racing on one facility starve
 * the store until its calls time out (503); bounded, the rest wait their turn.
 */
export const MAX_CONCURRENT_INVOCATIONS = 8;
/** Requests waiting for an invocation beyond this are refused with 429, as API Gateway throttles. */
export const MAX_QUEUED_INVOCATIONS = 1_000;

const FUNCTIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'functions');

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalServerOptions {
  readonly routes: readonly AnyRoute[];
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Where functions/<operation>/handler.ts live; tests point this elsewhere. */
  readonly functionsDir?: string;
  /** Static pages served on GET before any route (the /docs API reference: local/docs.ts). */
  readonly pages?: ReadonlyMap<string, StaticPage>;
  /** Answers requests no route matches (the web apps' files); returns false to leave them to the 404. */
  readonly fallback?: (request: IncomingMessage, response: ServerResponse, pathname: string) => boolean;
  /**
   * Mirrors the deployed console mount: requests under CONSOLE_PREFIX reach the routes open to ops
   * (acceptsStaffToken) with the claims this returns for their Authorization header, as the staff
   * user pool's Cognito authorizer would hand them over; undefined is a 401, as there. Unset (npm
   * start), nothing is served under the prefix: the console signs in with x-dev-principal locally.
   * The route × role tests set it to a stand-in for the staff pool.
   */
  readonly staffAuthorizer?: (authorization: string | undefined) => Readonly<Record<string, string>> | undefined;
  /** Told about requests that failed inside the server itself (a handler that does not load). */
  readonly onError?: (message: string, error: unknown) => void;
}

export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A request under the console mount, when the server has one: its path without the prefix. */
function consoleRequest(pathname: string, authorize: LocalServerOptions['staffAuthorizer']) {
  if (authorize === undefined || !pathname.startsWith(`${CONSOLE_PREFIX}/`)) return undefined;
  return { pathname: pathname.slice(CONSOLE_PREFIX.length), authorize };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function startServer(options: LocalServerOptions): Promise<LocalServer> {
  process.env[LOCAL_DEV_ENV] = '1';
  const router = createRouter(options.routes);
  const functionsDir = options.functionsDir ?? FUNCTIONS_DIR;
  const onError = options.onError ?? ((message, error) => console.error(`[local] ${message}`, error));
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const invocations = pLimit(MAX_CONCURRENT_INVOCATIONS);

  const loadHandler = (operation: string): Promise<LambdaHandler> => {
    let loading = handlers.get(operation);
    if (loading === undefined) {
      const file = pathToFileURL(join(functionsDir, operation, 'handler.ts')).href;
      loading = import(file).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${file} does not export a handler function`);
        return module.handler as LambdaHandler;
      });
      // A failed load is retried on the next request, e.g. after the file is fixed.
      loading.catch(() => handlers.delete(operation));
      handlers.set(operation, loading);
    }
    return loading;
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAtMs = Date.now();
    const requestId = randomUUID();
    const url = originFormUrl(request.url);
    if (url === undefined) return send(response, requestId, problemResult(badRequestTarget()));
    const page = request.method === 'GET' || request.method === 'HEAD' ? options.pages?.get(url.pathname) : undefined;
    if (page !== undefined) {
      response.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-cache', 'x-amzn-RequestId': requestId });
      response.end(request.method === 'HEAD' ? undefined : page.body);
      return;
    }
    const mount = consoleRequest(url.pathname, options.staffAuthorizer);
    const match = router.match(request.method ?? 'GET', mount?.pathname ?? url.pathname);
    if (mount !== undefined && match.kind === 'found' && !acceptsStaffToken(match.route)) {
      return send(response, requestId, problemResult(problemOf('not-found', `No route matches ${url.pathname}.`, { instance: url.pathname })));
    }
    if (match.kind === 'not-found') {
      if (options.fallback?.(request, response, url.pathname) === true) return;
      return send(response, requestId, problemResult(problemOf('not-found', `No route matches ${url.pathname}.`, { instance: url.pathname })));
    }
    if (match.kind === 'method-not-allowed') {
      const problem = problemOf('method-not-allowed', `${request.method} is not allowed on ${url.pathname}.`, { instance: url.pathname });
      return send(response, requestId, problemResult(problem, { allow: match.allow.join(', ') }));
    }
    const body = await readBody(request);
    if (body === undefined) {
      const problem = problemOf('payload-too-large', `The request body must not exceed ${MAX_LOCAL_BODY_BYTES} bytes.`, { instance: url.pathname });
      return send(response, requestId, problemResult(problem, { connection: 'close' }));
    }
    const { route, pathParameters } = match;
    let claims: Readonly<Record<string, string>> | undefined;
    if (mount !== undefined) {
      claims = mount.authorize(headerValue(request.headers.authorization));
      if (claims === undefined) return send(response, requestId, problemResult(problemOf('unauthenticated', 'Sign in: this operation requires a valid token.', { instance: url.pathname })));
    }
    const event = toProxyEvent({ request, url, body, route, pathParameters, requestId, receivedAtMs, ...(claims === undefined ? {} : { claims, resource: `${CONSOLE_PREFIX}${route.path}` }) });
    const handler = await loadHandler(route.operation);
    if (invocations.pendingCount >= MAX_QUEUED_INVOCATIONS) {
      const problem = problemOf('too-many-requests', `More than ${MAX_QUEUED_INVOCATIONS} requests are waiting; retry later.`, { instance: url.pathname });
      return send(response, requestId, problemResult(problem, { 'retry-after': '1' }));
    }
    // A Lambda's time limit runs from its invocation, not from the wait for a free one.
    send(response, requestId, await invocations(() => handler(event, lambdaContext({ functionName: `local-${route.operation}`, requestId, startedAtMs: Date.now() }))));
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      onError(`${request.method} ${request.url} failed`, error);
      if (!response.headersSent) send(response, 'unknown', problemResult(problemOf('internal-error', 'The local server could not run the handler.')));
      else response.destroy();
    });
  });
  // Requests node's own parser refuses (a malformed request line or header) get a problem
  // document too, instead of its bare "400 Bad Request".
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const body = JSON.stringify(problemOf('validation-failed', 'The request could not be parsed as HTTP/1.1.'));
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncache-control: no-store\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await listen(server, options.port ?? DEFAULT_PORT, options.host ?? LOCAL_HOST);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${options.host ?? LOCAL_HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const LOCAL_ORIGIN = `http://${LOCAL_HOST}`;

/**
 * The request target as a URL on this server, or undefined unless it is origin-form: a path
 * starting with exactly one `/` (RFC 9112 §3.2.1). `//host/…` would parse as another host and
 * the absolute form (`http://host/…`) is for proxies; API Gateway only routes paths.
 */
export function originFormUrl(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    const url = new URL(target, LOCAL_ORIGIN);
    return url.origin === LOCAL_ORIGIN ? url : undefined;
  } catch {
    return undefined;
  }
}

function badRequestTarget() {
  return problemOf('validation-failed', 'The request target must be a path starting with a single "/".', {
    errors: [{ path: 'requestTarget', message: 'must be origin-form: /path?query' }],
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The body as UTF-8 text, or undefined when it exceeds MAX_LOCAL_BODY_BYTES. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOCAL_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a Lambda proxy result, adding x-amzn-RequestId as API Gateway does. */
function send(response: ServerResponse, requestId: string, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = { 'x-amzn-RequestId': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded === true ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode, headers);
  response.end(body);
}
