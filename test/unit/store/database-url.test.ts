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

  it('refuses other databases without echoing the URL', () => {
    expect(() => parseDatabaseUrl('postgres://bot:hunter2@db/bot')).toThrow(DatabaseUrlError);
    try {
      parseDatabaseUrl('postgres://bot:hunter2@db/bot');
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/no file path/);
  });
});
