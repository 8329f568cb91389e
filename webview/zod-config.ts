/**
 * Zod compiles fast parsers with `new Function`, which the panels' CSP (no 'unsafe-eval') forbids;
 * even its probe for eval support shows up as a CSP violation. Every webview entry imports this
 * first so zod never tries. zod/mini loads no messages of its own, so the English ones are set
 * here: a rejected message then says what was wrong, not just "Invalid input".
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config({ jitless: true, ...en() });
