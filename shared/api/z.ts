/**
 * The zod flavour every API schema uses: `zod/mini` (≈15 KB minified, against ≈440 KB for full
 * zod) with English messages. Import it as `import * as z from '<…>/api/z.ts'`, never from 'zod',
 * so handler bundles stay small and every validation message reads the same.
 *
 * Re-exported name by name (`export *`), not as a namespace object: a namespace value that
 * escapes a module defeats tree shaking and drags all of zod, locales included, into bundles.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config({
  ...en(),
  // A missing field says so, instead of "expected string, received undefined".
  customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined),
});

export * from 'zod/mini';

/**
 * A module-level schema, built so that a bundle which never uses it can drop it:
 *
 *     export const LprPath = /* @__PURE__ *\/ z.schema(() => z.strictObject({ date: BusinessDate }));
 *
 * esbuild keeps every top-level statement it cannot prove free of side effects, and to it a schema
 * is a chain of calls (`z.string().check(…)`, zod's NO_SIDE_EFFECTS marks do not count across
 * files): a handler importing one schema of a module would carry, and build at every cold start,
 * all of them. A PURE-marked call whose only argument is a function has none, so an unused
 * schema goes. Every exported or shared schema of shared/api is defined this way (the routes'
 * `defineRoute` calls are marked the same way, for the same reason).
 */
export function schema<T>(build: () => T): T {
  return build();
}

/**
 * Shadows zod's `z` namespace object: `import { z } from …/z.ts` would pull all of zod into a
 * bundle, so it does not compile. Use `import * as z from …/z.ts`.
 * @public exported to be unusable: nothing imports it, on purpose.
 */
export type z = never;
