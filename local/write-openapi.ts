/** `npm run openapi [file]`: writes the generated OpenAPI document (default ./openapi.json). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildOpenApi } from '#http/openapi.ts';
import { API_EXAMPLES, API_INFO, API_SERVERS, routes } from '../functions/routes.ts';

const target = resolve(process.argv[2] ?? 'openapi.json');
await writeFile(target, `${JSON.stringify(buildOpenApi(routes, API_INFO, API_SERVERS, API_EXAMPLES), null, 2)}\n`);
console.log(`wrote ${target}`);
