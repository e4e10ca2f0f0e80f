/**
 * The tables as kysely sees them, shared by both engines. Timestamps are epoch milliseconds (INTEGER in SQLite,
 * BIGINT in Postgres; the Postgres pool parses BIGINT to a number, so both engines hand back numbers). JSON values
 * (draft forms, audit requests, idempotency results) are stored as text on both.
 */
import type { Generated } from 'kysely';
import type { AuditAction, DraftStatus, IdentitySource, RememberedDelivery, SentenceCardState } from './types.js';

export interface IdentitiesTable {
  slack_user_id: string;
  team_id: string | null;
  email: string | null;
  membership_id: string;
  source: IdentitySource;
  resolved_at: number;
  linked_by: string | null;
}

export interface DraftsTable {
  id: string;
  slack_user_id: string;
  form: string;
  last_error: string | null;
  status: DraftStatus;
  created_at: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  slack_user_id: string;
  membership_id: string | null;
  action: AuditAction;
  routine_id: string | null;
  request: string;
  outcome: 'ok' | 'error';
  omni_status: number | null;
  omni_message: string | null;
}

export interface IdempotencyKeysTable {
  key: string;
  state: 'in_progress' | 'done';
  result: string | null;
  expires_at: number;
  updated_at: number;
}

export interface SharedCacheTable {
  key: string;
  value: string;
  stored_at: number;
  expires_at: number;
}

export interface UserChoicesTable {
  slack_user_id: string;
  model_id: string | null;
  model_name: string | null;
  timezone: string | null;
  delivery: RememberedDelivery | null;
  updated_at: number;
}

export interface NoticesTable {
  key: string;
  slack_user_id: string;
  routine_id: string;
  kind: string;
  sent_at: number;
}

export interface SentenceCardsTable {
  id: string;
  slack_user_id: string;
  channel_id: string;
  thread_ts: string;
  message_ts: string | null;
  form: string;
  state: SentenceCardState;
  created_at: number;
  updated_at: number;
}

export interface DatabaseSchema {
  identities: IdentitiesTable;
  drafts: DraftsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  shared_cache: SharedCacheTable;
  user_choices: UserChoicesTable;
  notices: NoticesTable;
  sentence_cards: SentenceCardsTable;
}
