/** GET /openapi.json: the API contract, generated from the route registry. */
import { httpHandler } from '#http/middleware.ts';
import { buildOpenApi } from '#http/openapi.ts';
import { API_EXAMPLES, API_INFO, API_SERVERS, routeOf, routes } from '../routes.ts';

// A pure function of the registry: built once per cold start.
const document = buildOpenApi(routes, API_INFO, API_SERVERS, API_EXAMPLES);

export const handler = httpHandler(routeOf('openapi'), async () => ({ status: 200, body: document }));
