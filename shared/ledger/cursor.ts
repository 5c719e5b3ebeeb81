/**
 * Opaque page cursors: base64url of `<kind>:<position>`. The position is only what the
 * adapter needs to rebuild the exclusive start key; the partition always comes from the
 * request, so a cursor can never reach another facility's or shard's items.
 */
import { ValidationError } from '#domain/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from './journal.ts';

export type CursorKind = 'ev' | 'bor' | 'shard' | 'ref';

/** Longer than any cursor we issue (ids are bounded by DynamoDB's 1 KB sort key limit). */
export const MAX_CURSOR_LENGTH = 1_500;

export function encodeCursor(kind: CursorKind, position: string): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/** The position inside a cursor of this kind; anything else is a 400. */
export function decodeCursor(kind: CursorKind, cursor: string): string {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Round-trip check: rejects non-canonical base64 and bytes that are not valid UTF-8.
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw badCursor();
  const prefix = `${kind}:`;
  if (!text.startsWith(prefix) || text.length === prefix.length) throw badCursor();
  return text.slice(prefix.length);
}

export function decodeSeqCursor(cursor: string): number {
  const position = decodeCursor('ev', cursor);
  if (!/^[1-9]\d{0,9}$/.test(position)) throw badCursor();
  return Number(position);
}

export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw ValidationError.of('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

export function badCursor(): ValidationError {
  return ValidationError.of('cursor', 'is not a cursor issued by this listing');
}
