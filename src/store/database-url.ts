import path from 'node:path';
import { DatabaseUrlError } from './errors.js';

export type DatabaseLocation = { kind: 'sqlite'; filename: string } | { kind: 'sqlite'; memory: true };

/**
 * Reads DATABASE_URL: `sqlite:<path>` (relative to `cwd`, or absolute; `sqlite://<path>` is accepted too) or
 * `sqlite::memory:` (tests). Anything else is refused with a message that does not echo the URL.
 */
export function parseDatabaseUrl(databaseUrl: string, cwd: string = process.cwd()): DatabaseLocation {
  const url = databaseUrl.trim();
  if (!url.startsWith('sqlite:')) {
    throw new DatabaseUrlError(
      'DATABASE_URL must be sqlite:<path> (e.g. sqlite:./data/routine-bot.db); other databases are not supported yet',
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
