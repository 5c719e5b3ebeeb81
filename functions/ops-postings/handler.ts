/** GET /v1/ops/ledger/postings?date=&cursor=&limit=: the date's postings, a page of facilities at a time (JSON or CSV). */
import { CSV_CONTENT_TYPE, postingsCsv, postingsOn, wantsCsv } from '#app/reports.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsPostingsRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsPostingsRoute, async ({ deps, query, accept }) => {
  const page = await postingsOn(deps, query.date, { cursor: query.cursor, limit: query.limit });
  if (!wantsCsv(accept)) return { status: 200, body: page };
  const headers: Record<string, string> = {};
  if (page.nextCursor !== undefined) {
    headers.link = `</v1/ops/ledger/postings?date=${page.date}&cursor=${page.nextCursor}${query.limit === undefined ? '' : `&limit=${query.limit}`}>; rel="next"`;
  }
  return { status: 200, body: page, headers, text: { contentType: CSV_CONTENT_TYPE, body: postingsCsv(page) } };
}, { deps: appDeps });
