/**
 * The API reference at /docs for `npm start`: swagger-ui-dist (the Swagger UI's own static
 * build, a devDependency) served from node_modules, reading /openapi.json. Nothing comes from a
 * CDN: the page works offline, like the rest of the local stack.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface StaticPage {
  readonly contentType: string;
  readonly body: string | Buffer;
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Revolving credit service: API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="api"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/** Loads the spec from this server and lets "Try it out" call it (x-dev-* headers documented as local only). */
const INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', deepLinking: true, tryItOutEnabled: false, displayRequestDuration: true });
`;

/** GET paths → their content; loaded once. */
export function docsPages(): ReadonlyMap<string, StaticPage> {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const file = (name: string, contentType: string): StaticPage => ({ contentType, body: readFileSync(join(dist, name)) });
  return new Map<string, StaticPage>([
    ['/docs', { contentType: 'text/html; charset=utf-8', body: DOCS_HTML }],
    ['/docs/', { contentType: 'text/html; charset=utf-8', body: DOCS_HTML }],
    ['/docs/init.js', { contentType: 'text/javascript; charset=utf-8', body: INIT_JS }],
    ['/docs/swagger-ui.css', file('swagger-ui.css', 'text/css; charset=utf-8')],
    ['/docs/swagger-ui-bundle.js', file('swagger-ui-bundle.js', 'text/javascript; charset=utf-8')],
  ]);
}
