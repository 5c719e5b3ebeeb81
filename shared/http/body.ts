/** JSON request bodies: content type, a hard size limit, and parsing. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '#domain/errors.ts';
import { HttpError } from './http-error.ts';
import { singleHeader, type RequestHeaders } from './headers.ts';

/** Every command fits in a few hundred bytes; 16 KiB leaves room and bounds parsing work. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Parses the JSON body of a request that must have one: 415, 413 or 400 otherwise. */
export function parseJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>, headers: RequestHeaders): unknown {
  const body = event.body;
  if (body === null || body === undefined || body === '') throw ValidationError.of('', 'a JSON request body is required');
  if (!isJsonMediaType(singleHeader(headers, 'content-type'))) {
    throw new HttpError('unsupported-media-type', 'The request body must be sent as Content-Type: application/json.');
  }
  const base64 = event.isBase64Encoded === true;
  if (Buffer.byteLength(body, base64 ? 'base64' : 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError('payload-too-large', `The request body must not exceed ${MAX_BODY_BYTES} bytes.`);
  }
  const text = base64 ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ValidationError.of('', 'the request body is not valid JSON');
  }
}

/** application/json, optionally with charset=utf-8 (the only charset JSON has, RFC 8259). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((parameter) => !parameter.startsWith('charset=') || parameter.replaceAll('"', '') === 'charset=utf-8');
}
