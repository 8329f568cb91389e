import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NamedStatementsError, prepareNamed, splitNamed } from '../../language-server/store/named-statements';

const db = new Database(':memory:');
db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
afterEach(() => db.exec('DELETE FROM t'));

const source = `-- A file comment before the first statement is ignored.
-- name: put
INSERT INTO t (k, v) VALUES (?, ?);

-- name: get
-- a comment inside a statement stays with it
SELECT v FROM t WHERE k = ?;
`;

describe('named statements in .sql files', () => {
  it('splits a file into statements by name and prepares them', () => {
    expect([...splitNamed(source, 'x.sql').keys()]).toEqual(['put', 'get']);
    const q = prepareNamed(db, source, 'x.sql', ['put', 'get'] as const);
    q.put.run('a', 3);
    expect(q.get.get('a')).toEqual({ v: 3 });
  });

  it('names the file and statement when the file and its module disagree', () => {
    expect(() => prepareNamed(db, source, 'x.sql', ['put', 'get', 'remove'] as const)).toThrow(/x\.sql: statement "remove" is missing/);
    expect(() => prepareNamed(db, source, 'x.sql', ['put'] as const)).toThrow(/x\.sql: unexpected statements get/);
    expect(() => splitNamed(`${source}\n-- name: put\nSELECT 1;`, 'y.sql')).toThrow(NamedStatementsError);
  });
});
