/**
 * Zod compiles fast parsers with `new Function`, which the panels' CSP (no 'unsafe-eval') forbids;
 * even its probe for eval support shows up as a CSP violation. Every webview entry imports this
 * first so zod never tries.
 */
import { z } from 'zod';

z.config({ jitless: true });
