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
 * Shadows zod's `z` namespace object: `import { z } from …/z.ts` would pull all of zod into a
 * bundle, so it does not compile. Use `import * as z from …/z.ts`.
 */
export type z = never;
