import path from 'node:path';
import { DatabaseUrlError } from './errors.js';

export type DatabaseLocation =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'sqlite'; memory: true }
  | { kind: 'postgres'; connectionString: string };

/**
 * Reads DATABASE_URL: `sqlite:<path>` (relative to `cwd`, or absolute; `sqlite://<path>` is accepted too),
 * `sqlite::memory:` (tests), or `postgres://…` / `postgresql://…` (a libpq-style URL, for several replicas
 * sharing one database). Anything else is refused with a message that does not echo the URL.
 */
export function parseDatabaseUrl(databaseUrl: string, cwd: string = process.cwd()): DatabaseLocation {
  const url = databaseUrl.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new DatabaseUrlError('DATABASE_URL is not a valid postgres:// URL (check that a password with special characters is percent-encoded)');
    }
    return { kind: 'postgres', connectionString: url };
  }
  if (!url.startsWith('sqlite:')) {
    throw new DatabaseUrlError(
      'DATABASE_URL must be sqlite:<path> (e.g. sqlite:./data/routine-bot.db) or postgres://user:password@host:5432/database',
    );
  }
  let rest = url.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === ':memory:') return { kind: 'sqlite', memory: true };
  if (rest === '' || rest.includes('\0')) {
    throw new DatabaseUrlError('DATABASE_URL has no file path: use sqlite:<path>, e.g. sqlite:./data/routine-bot.db');
  }
  return { kind: 'sqlite', filename: path.resolve(cwd, rest) };
}
