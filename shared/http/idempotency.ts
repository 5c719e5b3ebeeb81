/** The Idempotency-Key header of commands (docs/journal.md): required, bounded, printable. */
import { ValidationError } from '#domain/errors.ts';
import { HttpError } from './http-error.ts';
import { singleHeader, type RequestHeaders } from './headers.ts';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
/** Room for a UUID, a ULID or a channel's own reference, and small enough to index cheaply. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
/** Visible ASCII only: no spaces or control characters to trim or normalise differently. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]+$/;

/** The request's Idempotency-Key: 400 idempotency-key-missing when absent, 400 validation-failed when malformed. */
export function readIdempotencyKey(headers: RequestHeaders): string {
  const key = singleHeader(headers, IDEMPOTENCY_KEY_HEADER);
  if (key === undefined || key === '') {
    throw new HttpError('idempotency-key-missing', 'This command requires an Idempotency-Key header.');
  }
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw ValidationError.of(
      `header.${IDEMPOTENCY_KEY_HEADER}`,
      `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`,
    );
  }
  return key;
}
