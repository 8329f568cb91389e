import type { Database, Statement } from 'better-sqlite3';

/**
 * A `.sql` file holds several statements, each introduced by a `-- name: someName` line (the yesql /
 * sqlc convention), so SQL stays readable SQL while each table module prepares its statements by
 * name. Every expected name must be present and nothing else, so the file and its module cannot
 * drift apart silently.
 */
export class NamedStatementsError extends Error {
  override name = 'NamedStatementsError';
}

export function splitNamed(source: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== null) out.set(current, lines.join('\n').trim());
  };
  for (const line of source.split('\n')) {
    const m = /^--\s*name:\s*([A-Za-z][A-Za-z0-9]*)\s*$/.exec(line);
    if (m) {
      flush();
      current = m[1]!;
      if (out.has(current)) throw new NamedStatementsError(`${file}: statement "${current}" is defined twice`);
      lines = [];
    } else if (current !== null) {
      lines.push(line);
    }
  }
  flush();
  return out;
}

/** `subset`: prepare only `names` of a file that holds more (a connection that cannot run the rest). */
export function prepareNamed<N extends string>(
  db: Database,
  source: string,
  file: string,
  names: readonly N[],
  subset = false,
): Record<N, Statement> {
  const sql = splitNamed(source, file);
  const extra = [...sql.keys()].filter((k) => !(names as readonly string[]).includes(k));
  if (extra.length > 0 && !subset) throw new NamedStatementsError(`${file}: unexpected statements ${extra.join(', ')}`);
  const out = {} as Record<N, Statement>;
  for (const name of names) {
    const text = sql.get(name);
    if (!text) throw new NamedStatementsError(`${file}: statement "${name}" is missing`);
    out[name] = db.prepare(text);
  }
  return out;
}
