import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Shared 2-core machines: keep the worker count modest and the timeouts generous.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One in-memory embedded DynamoDB store per run; tests get its endpoint via inject().
    globalSetup: ['test/setup/embedded-store.ts', 'test/setup/browser.ts'],
  },
});
