import type { Migration } from '../migration.js';

/**
 * Postgres's migrations: the same ids and the same tables as ../sqlite/migrations.ts, in Postgres's types.
 * Timestamps are BIGINT epoch milliseconds (the pool parses BIGINT to a number). Append-only, like SQLite's.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'identities, drafts, audit log, idempotency keys',
    sql: `
      CREATE TABLE identities (
        slack_user_id TEXT PRIMARY KEY,
        team_id TEXT,
        email TEXT,
        membership_id TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('scim', 'override')),
        resolved_at BIGINT NOT NULL,
        linked_by TEXT,
        CHECK (source = 'override' OR email IS NOT NULL)
      );

      CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        slack_user_id TEXT NOT NULL,
        form TEXT NOT NULL,
        last_error TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'failed')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX drafts_by_user ON drafts (slack_user_id, updated_at);

      CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        slack_user_id TEXT NOT NULL,
        membership_id TEXT,
        action TEXT NOT NULL CHECK (action IN ('create', 'run', 'pause', 'resume', 'delete', 'update')),
        routine_id TEXT,
        request TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
        omni_status INTEGER,
        omni_message TEXT
      );
      CREATE INDEX audit_by_user ON audit_log (slack_user_id, at);
      CREATE INDEX audit_by_routine ON audit_log (routine_id, at);

      CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
        result TEXT,
        expires_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX idempotency_by_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    id: 2,
    name: 'remembered form choices per user',
    sql: `
      CREATE TABLE user_choices (
        slack_user_id TEXT PRIMARY KEY,
        model_id TEXT,
        model_name TEXT,
        timezone TEXT,
        delivery TEXT CHECK (delivery IS NULL OR delivery IN ('channel', 'dm', 'email')),
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    id: 3,
    name: 'owner notices already sent',
    sql: `
      CREATE TABLE notices (
        key TEXT PRIMARY KEY,
        slack_user_id TEXT NOT NULL,
        routine_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        sent_at BIGINT NOT NULL
      );
      CREATE INDEX notices_by_routine ON notices (routine_id);
    `,
  },
  {
    id: 4,
    name: 'routine cards answering a sentence, between the reply and the press',
    sql: `
      CREATE TABLE sentence_cards (
        id TEXT PRIMARY KEY,
        slack_user_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        thread_ts TEXT NOT NULL,
        message_ts TEXT,
        form TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'created', 'cancelled')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    id: 5,
    name: 'shared cache (catalog, routine-list changes)',
    sql: `
      CREATE TABLE shared_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        stored_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX shared_cache_by_expiry ON shared_cache (expires_at);
    `,
  },
];
