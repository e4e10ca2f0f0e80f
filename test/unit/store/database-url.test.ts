import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DatabaseUrlError, parseDatabaseUrl } from '../../../src/store/index.js';

describe('parseDatabaseUrl', () => {
  it('resolves relative paths against cwd and keeps absolute ones', () => {
    expect(parseDatabaseUrl('sqlite:./data/routine-bot.db', '/srv/bot')).toEqual({ kind: 'sqlite', filename: '/srv/bot/data/routine-bot.db' });
    expect(parseDatabaseUrl('sqlite:bot.db', '/srv/bot')).toEqual({ kind: 'sqlite', filename: path.resolve('/srv/bot', 'bot.db') });
    expect(parseDatabaseUrl('sqlite:/var/lib/bot.db', '/srv/bot')).toEqual({ kind: 'sqlite', filename: '/var/lib/bot.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/bot.db', '/srv/bot')).toEqual({ kind: 'sqlite', filename: '/var/lib/bot.db' });
  });

  it('recognises the in-memory database', () => {
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', memory: true });
  });

  it('selects Postgres for postgres:// and postgresql:// URLs', () => {
    expect(parseDatabaseUrl('postgres://bot:hunter2@db:5432/bot')).toEqual({ kind: 'postgres', connectionString: 'postgres://bot:hunter2@db:5432/bot' });
    expect(parseDatabaseUrl(' postgresql://db/bot ')).toEqual({ kind: 'postgres', connectionString: 'postgresql://db/bot' });
  });

  it('refuses other databases and broken URLs without echoing them', () => {
    for (const url of ['mysql://bot:hunter2@db/bot', 'postgres://bot:hunter2@db:notaport/bot']) {
      expect(() => parseDatabaseUrl(url)).toThrow(DatabaseUrlError);
      expect(String(catchError(() => parseDatabaseUrl(url)))).not.toContain('hunter2');
    }
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/no file path/);
  });
});

function catchError(step: () => unknown): unknown {
  try {
    step();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
