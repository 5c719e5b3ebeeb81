/**
 * The web apps on `npm start`: web/dist (built by web/build.ts at start) served beside the
 * API on the same origin, the SME app at / and the operations console at /ops/, with the
 * same security headers CloudFront adds and a config.json that offers the demo users.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import { DIST_DIR } from '../web/build.ts';
import { localConfig, OPS_APP_PATH, securityHeaders, type SiteConfig } from '../web/site.ts';

export type SiteHandler = (request: IncomingMessage, response: ServerResponse, pathname: string) => boolean;

/** A handler for GET/HEAD of the site's files; answers false for anything it does not serve. */
export function siteHandler(demo: NonNullable<SiteConfig['demo']>, dir: string = DIST_DIR): SiteHandler {
  const headers = securityHeaders();
  const files = sirv(dir, {
    dev: false,
    etag: true,
    setHeaders: (response) => {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      response.setHeader('cache-control', 'no-cache');
    },
  });
  const config = JSON.stringify(localConfig(demo));
  return (request, response, pathname) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (pathname === '/config.json' || pathname === `${OPS_APP_PATH}config.json`) {
      response.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : config);
      return true;
    }
    if (pathname === '/ops') {
      response.writeHead(301, { location: OPS_APP_PATH });
      response.end();
      return true;
    }
    let served = true;
    files(request, response, () => {
      served = false;
    });
    return served;
  };
}
