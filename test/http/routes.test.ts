import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobOf, jobs, type JobName } from '../../functions/jobs.ts';
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

describe('the functions no HTTP request reaches (functions/jobs.ts)', () => {
  it.each(jobs.map((job) => [job.name]))('has functions/%s/handler.ts exporting a handler', async (name) => {
    const file = `${functionsDir}${name}/handler.ts`;
    expect(existsSync(file), file).toBe(true);
    const module = (await import(file)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
    expect(jobOf(name as JobName).name).toBe(name);
  });

  it('every folder under functions/ is a route or a job, never both', () => {
    const folders = readdirSync(functionsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name !== 'routes').map((entry) => entry.name);
    const operations: string[] = routes.map((route) => route.operation);
    const names: string[] = jobs.map((job) => job.name);
    expect(operations.filter((operation) => names.includes(operation))).toEqual([]);
    expect(folders.sort()).toEqual([...operations, ...names].sort());
    expect(() => jobOf('nope' as JobName)).toThrow('no job named nope');
  });
});
