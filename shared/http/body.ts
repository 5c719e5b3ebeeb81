/** JSON request bodies: content type, a hard size limit, parsing, and no key given twice. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { visit } from 'jsonc-parser';
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw ValidationError.of('', 'the request body is not valid JSON');
  }
  // Before the duplicate-key scan: jsonc-parser recurses once per level and a 16 KiB body of "[" overflows the stack.
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) throw ValidationError.of('', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    throw new ValidationError(duplicates.map((path) => ({ path, message: 'is given more than once; each key may appear only once' })));
  }
  return parsed;
}

/** Levels of objects and arrays a body may nest (the body itself is the first); our deepest request has three. */
export const MAX_JSON_DEPTH = 32;

/** True when `value` has objects or arrays nested more than `max` levels deep; iterative, so any depth is safe. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Duplicate keys reported per body: enough to name them, bounded like every list we answer. */
export const MAX_DUPLICATE_KEYS_REPORTED = 20;

/**
 * Dotted paths of keys that appear twice in one object, at any depth. JSON.parse keeps the last
 * one silently (`{"amount":"1000.00","amount":"2000.00"}` would draw 2000.00), and which one a
 * proxy, a log or a signature check in between read is anyone's guess: refuse instead. Run on
 * text JSON.parse accepted, so jsonc-parser's visitor only has to see the keys.
 */
export function duplicateKeys(text: string): string[] {
  const open: Set<string>[] = [];
  const found: string[] = [];
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
      const keys = open[open.length - 1];
      if (keys === undefined) return;
      if (keys.has(property) && found.length < MAX_DUPLICATE_KEYS_REPORTED) found.push([...pathSupplier(), property].join('.'));
      keys.add(property);
    },
  });
  return found;
}

/** application/json, optionally with charset=utf-8 (the only charset JSON has, RFC 8259). */
function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((parameter) => !parameter.startsWith('charset=') || parameter.replaceAll('"', '') === 'charset=utf-8');
}
