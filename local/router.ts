/**
 * API Gateway's routing rules for the local server: a request path matches a template
 * segment by segment, `{name}` matches one non-empty segment, and where several templates
 * match, the one with a literal segment earliest wins (as API Gateway prefers literal
 * resources over path parameters). Production routing is API Gateway's own; this module
 * only lets `npm start` behave the same.
 */
import type { AnyRoute, HttpMethod } from '#http/route.ts';

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: AnyRoute; readonly pathParameters: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

type Segment = { readonly literal: string } | { readonly parameter: string };

interface CompiledRoute {
  readonly route: AnyRoute;
  readonly segments: readonly Segment[];
}

export interface Router {
  match(method: string, path: string): RouteMatch;
}

export function createRouter(routes: readonly AnyRoute[]): Router {
  const compiled: CompiledRoute[] = routes.map((route) => ({
    route,
    segments: route.path
      .slice(1)
      .split('/')
      .map((segment) => (segment.startsWith('{') ? { parameter: segment.slice(1, -1) } : { literal: segment })),
  }));
  return {
    match(method, path) {
      const segments = path.slice(1).split('/');
      const candidates = compiled.filter((candidate) => matches(candidate.segments, segments)).sort(bySpecificity);
      const best = candidates[0];
      if (best === undefined) return { kind: 'not-found' };
      // Every candidate of the most specific template: the same resource, possibly other methods.
      const resource = candidates.filter((candidate) => candidate.route.path === best.route.path);
      const found = resource.find((candidate) => candidate.route.method === method);
      if (found === undefined) return { kind: 'method-not-allowed', allow: resource.map((candidate) => candidate.route.method) };
      const pathParameters: Record<string, string> = {};
      found.segments.forEach((segment, index) => {
        if ('parameter' in segment) pathParameters[segment.parameter] = decodeSegment(segments[index] ?? '');
      });
      return { kind: 'found', route: found.route, pathParameters };
    },
  };
}

function matches(template: readonly Segment[], segments: readonly string[]): boolean {
  if (template.length !== segments.length) return false;
  return template.every((segment, index) => ('literal' in segment ? segment.literal === segments[index] : segments[index] !== ''));
}

/** Literal-first, left to right. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  for (const [index, segment] of a.segments.entries()) {
    const aLiteral = 'literal' in segment;
    const other = b.segments[index];
    const bLiteral = other !== undefined && 'literal' in other;
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/** API Gateway hands path parameters to the function URL-decoded. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
