import { ResponseError, ErrorCodes } from 'vscode-languageserver';
import type { z } from 'zod';

/** Checks a request's params at the edge; a bad one becomes an InvalidParams error naming the field. */
export function validated<T>(schema: z.ZodType<T>, raw: unknown, method: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
  throw new ResponseError(ErrorCodes.InvalidParams, `${method}: ${why}`);
}
