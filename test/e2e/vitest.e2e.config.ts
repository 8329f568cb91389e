import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

// `npm run test:e2e`: only the end-to-end tests, one file at a time (each starts code-server and
// chromium). mergeConfig concatenates arrays, so `include` is replaced after merging.
const config = mergeConfig(base, defineConfig({ test: { fileParallelism: false, testTimeout: 240_000 } }));
config.test!.include = ['test/e2e/**/*.test.ts'];
export default config;
