// The store's .sql files are imported as text: esbuild bundles them with its text loader and
// vitest.config.ts has a plugin that does the same.
declare module '*.sql' {
  const text: string;
  export default text;
}
