import { defineConfig } from 'vitest/config';
import * as path from 'node:path';

// The store imports its .sql files as text; esbuild.mjs bundles them with `loader: { '.sql': 'text' }`.
const sqlAsText = {
  name: 'sql-as-text',
  transform(code: string, id: string) {
    return id.endsWith('.sql') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined;
  },
};

export default defineConfig({
  plugins: [sqlAsText],
  resolve: { alias: { '@protocol': path.resolve(__dirname, 'protocol') } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
