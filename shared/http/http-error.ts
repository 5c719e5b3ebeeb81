/**
 * Refusals only the HTTP edge makes (who is calling, how the request is framed, the gateway's
 * throttling); the domain and the store never raise them.
 */
export type HttpErrorCode =
  | 'idempotency-key-missing'
  | 'unauthenticated'
  | 'forbidden'
  | 'method-not-allowed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  // 429: API Gateway's stage throttling or quota (answered by the gateway, not a function)
  | 'too-many-requests';

export class HttpError extends Error {
  readonly code: HttpErrorCode;

  constructor(code: HttpErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
  }
}
