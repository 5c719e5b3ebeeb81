/**
 * The API client both apps use: JSON in and out, problem documents as ApiError, the caller's
 * language in Accept-Language (problem details come back in Chinese for zh-CN), and the
 * credentials of the signed-in user (a Cognito ID token in AWS, x-dev-* headers locally).
 */
import type { Lang } from './i18n.ts';

interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly errors?: readonly FieldIssue[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

/** Headers that say who is calling; recomputed per request (tokens expire). */
export type CredentialHeaders = () => Promise<Readonly<Record<string, string>>>;

interface RequestOptions {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** Idempotency-Key: one per user intent, reused when the same intent is retried. */
  readonly key?: string;
}

export interface Api {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, options?: RequestOptions): Promise<T>;
  put<T>(path: string, options?: RequestOptions): Promise<T>;
}

export function createApi(base: string, credentials: CredentialHeaders, lang: () => Lang): Api {
  const send = async <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
    const url = new URL(`${base}${path}`, location.href);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang() === 'zh-CN' ? 'zh-CN,zh;q=0.9' : 'en', ...(await credentials()) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.key !== undefined) headers['idempotency-key'] = options.key;
    const response = await fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const problem = isProblem(parsed) ? parsed : { type: 'about:blank', title: response.statusText, status: response.status, detail: text.slice(0, 200), code: 'http-error' };
      throw new ApiError(problem);
    }
    return parsed as T;
  };
  return {
    get: (path, options) => send('GET', path, options),
    post: (path, options) => send('POST', path, options),
    put: (path, options) => send('PUT', path, options),
  };
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).detail === 'string';
}

/** A fresh Idempotency-Key for a new user intent. */
export function newKey(): string {
  return crypto.randomUUID();
}
