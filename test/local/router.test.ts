import { describe, expect, it } from 'vitest';
import { createRouter } from '../../local/router.ts';
import { echoReadRoute, echoRoute, fixtureRoutes, literalRoute } from './fixtures/routes.ts';

const router = createRouter(fixtureRoutes);

describe('the local router (API Gateway’s matching rules)', () => {
  it('matches a template and decodes its parameters', () => {
    expect(router.match('POST', '/v1/items/FAC-1/echo')).toEqual({ kind: 'found', route: echoRoute, pathParameters: { itemId: 'FAC-1' } });
    expect(router.match('GET', '/v1/items/a%2Fb%20c/echo')).toEqual({ kind: 'found', route: echoReadRoute, pathParameters: { itemId: 'a/b c' } });
    expect(router.match('GET', '/v1/items/%E0%A4%A/echo')).toMatchObject({ pathParameters: { itemId: '%E0%A4%A' } });
  });

  it('prefers a literal segment to a parameter', () => {
    expect(router.match('PUT', '/v1/items/special/echo')).toMatchObject({ kind: 'found', route: literalRoute });
    expect(router.match('POST', '/v1/items/special/echo')).toEqual({ kind: 'method-not-allowed', allow: ['PUT'] });
  });

  it('answers 405 with the allowed methods for a known path', () => {
    expect(router.match('DELETE', '/v1/items/x/echo')).toEqual({ kind: 'method-not-allowed', allow: ['POST', 'GET'] });
  });

  it.each(['/v1/items//echo', '/v1/items/x', '/v1/items/x/echo/', '/', '/v1/items/x/echo/more'])('finds no route for %s', (path) => {
    expect(router.match('POST', path)).toEqual({ kind: 'not-found' });
  });
});
