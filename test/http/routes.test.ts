import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routeOf, routes, type Operation } from '../../functions/routes.ts';

const functionsDir = fileURLToPath(new URL('../../functions/', import.meta.url));

describe('the route registry', () => {
  beforeAll(() => {
    // IAM routes read their principal mapping at init.
    vi.stubEnv('IAM_PRINCIPALS', '{}');
  });
  afterAll(() => vi.unstubAllEnvs());

  it('names each operation once and each method + path once', () => {
    const operations = routes.map((route) => route.operation);
    const endpoints = routes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(operations).size).toBe(operations.length);
    expect(new Set(endpoints).size).toBe(endpoints.length);
  });

  it.each(routes.map((route) => [route.operation]))('has functions/%s/handler.ts exporting a handler', async (operation) => {
    const file = `${functionsDir}${operation}/handler.ts`;
    expect(existsSync(file), file).toBe(true);
    const module = (await import(file)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });

  it('hands each handler its own entry', () => {
    expect(routeOf('openapi').path).toBe('/openapi.json');
    expect(() => routeOf('nope' as Operation)).toThrow('no route registered for operation nope');
  });
});
