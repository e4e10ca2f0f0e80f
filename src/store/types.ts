/**
 * The persistence contract. Everything the bot must remember across restarts goes through `Store`, implemented
 * once on kysely (./kysely-store.ts) for two engines: SQLite (./sqlite/, the default) and Postgres (./postgres/,
 * for several replicas sharing one database).
 * Methods are async so a networked database fits; a resolved promise means the write is durable.
 */

export type IdentitySource = 'scim' | 'override';

/** A Slack user's Omni membership, as cached from SCIM or set by an admin (an override). */
export interface StoredIdentity {
  slackUserId: string;
  teamId?: string;
  /** Always present for SCIM identities; an override linked from the CLI may have none. */
  email?: string;
  membershipId: string;
  source: IdentitySource;
  /** When SCIM answered, or when the override was linked. */
  resolvedAt: Date;
  /** Who linked an override (free text from the CLI). */
  linkedBy?: string;
}

export interface SaveIdentityInput {
  slackUserId: string;
  teamId?: string;
  email: string;
  membershipId: string;
  source: IdentitySource;
  resolvedAt: Date;
}

export interface IdentityOverride {
  slackUserId: string;
  membershipId: string;
  email?: string;
  linkedAt: Date;
  linkedBy?: string;
}

export interface IdentityStore {
  /** The override if there is one (it wins and never expires), else the cached SCIM identity, else null. */
  getIdentity(slackUserId: string): Promise<StoredIdentity | null>;
  /**
   * Saves (replaces) a user's identity. A `scim` save never replaces an override: it returns false and changes
   * nothing, so a lookup that raced with `users link` cannot undo the admin's decision.
   */
  saveIdentity(identity: SaveIdentityInput): Promise<boolean>;
  /** Forgets a cached SCIM identity (overrides are removed only by `unlinkOverride`). True if one was removed. */
  deleteIdentity(slackUserId: string): Promise<boolean>;
  /** Sets an admin override, replacing any cached SCIM identity of that user. */
  linkOverride(slackUserId: string, membershipId: string, by?: string): Promise<void>;
  /** Removes an override; true if there was one. */
  unlinkOverride(slackUserId: string): Promise<boolean>;
  /** Overrides, oldest link first. */
  listOverrides(): Promise<IdentityOverride[]>;
  /** Every stored identity (overrides and cached SCIM ones), by Slack user id. */
  listIdentities(): Promise<StoredIdentity[]>;
}

export type DraftStatus = 'pending' | 'failed';

/** A routine submission in flight or failed, kept until it succeeds or the user discards it. */
export interface Draft {
  id: string;
  slackUserId: string;
  /** The submitted form, as JSON. */
  form: unknown;
  lastError?: string;
  status: DraftStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface SaveDraftInput {
  /** Omit to create a new draft; give it to update one (of the same user). */
  id?: string;
  slackUserId: string;
  form: unknown;
  lastError?: string;
  status: DraftStatus;
}

export interface DraftStore {
  /** Creates or updates a draft and returns its id. Updating another user's draft is refused. */
  saveDraft(draft: SaveDraftInput): Promise<string>;
  getDraft(id: string): Promise<Draft | null>;
  /** The user's drafts, most recently updated first. */
  listDrafts(slackUserId: string): Promise<Draft[]>;
  /** True if the draft existed. */
  deleteDraft(id: string): Promise<boolean>;
}

export const AUDIT_ACTIONS = ['create', 'run', 'pause', 'resume', 'delete', 'update'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryInput {
  slackUserId: string;
  membershipId?: string;
  action: AuditAction;
  routineId?: string;
  /** What was asked, as JSON. Keys that name secrets and token-shaped strings are redacted before storing. */
  request: unknown;
  outcome: 'ok' | 'error';
  /** Omni's HTTP status, when Omni answered. */
  omniStatus?: number;
  omniMessage?: string;
  at: Date;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
}

export interface AuditQuery {
  slackUserId?: string;
  routineId?: string;
  limit: number;
}

export interface AuditStore {
  /** Appends one entry and returns its id. */
  appendAudit(entry: AuditEntryInput): Promise<number>;
  /** Entries matching every given filter, newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

export type IdempotencyBeginResult =
  | { state: 'new' }
  | { state: 'in_progress'; expiresAt: Date }
  | { state: 'done'; result: unknown };

export interface IdempotencyStore {
  /**
   * Claims `key` for `ttlMs`. `new`: the caller owns it and must complete or abandon it. `in_progress`: someone
   * else holds a live claim. `done`: it already succeeded, with the stored result. A claim older than its ttl is
   * handed out again, so a crash in the middle of a create does not block a retry forever; choose a ttl longer
   * than the slowest create (including the look-before-retry after an ambiguous failure).
   */
  beginIdempotent(key: string, options: { ttlMs: number }): Promise<IdempotencyBeginResult>;
  /** Marks the key done with its result (JSON), kept for the store's retention so double submits see it. */
  completeIdempotent(key: string, result: unknown): Promise<void>;
  /** Releases an in-progress claim after a failure, so the user can retry. True if a claim was released. */
  abandonIdempotent(key: string): Promise<boolean>;
  /**
   * Stores claims already decided elsewhere (the one-process replay memory decides in memory and writes behind), as
   * live claims until each one's `expiresAt`. A key that is already live keeps its row; an expired one is replaced.
   */
  recordClaims(claims: ReadonlyArray<{ key: string; expiresAt: Date }>): Promise<void>;
  /** The live claims whose key starts with `prefix` (a replay memory reloads them when the process starts). */
  listLiveClaims(prefix: string): Promise<Array<{ key: string; expiresAt: Date }>>;
}

export interface CachedValue {
  value: unknown;
  storedAt: Date;
}

/**
 * Values every replica may reuse for a while (Omni's model and topic lists, when a user's routines last changed),
 * so N replicas do not each spend the Omni budget on the same answer. Not for anything that must survive.
 */
export interface SharedCacheStore {
  /** The value under `key` if it has not expired, else null. */
  getCached(key: string): Promise<CachedValue | null>;
  /** Stores (replaces) `value` (JSON) under `key` for `ttlMs`. */
  putCached(key: string, value: unknown, ttlMs: number): Promise<void>;
}


export type RememberedDelivery = 'channel' | 'dm' | 'email';

/** What the routine form remembers of a user's last routine, to preselect it next time. */
export interface UserChoices {
  modelId?: string;
  modelName?: string;
  /** Only a zone the user picked over their Slack profile's (an override); absent otherwise. */
  timezone?: string;
  delivery?: RememberedDelivery;
  updatedAt: Date;
}

export type SaveUserChoicesInput = Omit<UserChoices, 'updatedAt'>;

export interface UserChoicesStore {
  getUserChoices(slackUserId: string): Promise<UserChoices | null>;
  /** Replaces the user's remembered choices (absent fields are forgotten). */
  saveUserChoices(slackUserId: string, choices: SaveUserChoicesInput): Promise<void>;
}

/** A notice the bot sent an owner about one of their routines (Omni disabled it, its last run failed). */
export interface NoticeInput {
  /** What makes it this notice and not another: e.g. routine id + kind + the run's completion time. */
  key: string;
  slackUserId: string;
  routineId: string;
  kind: string;
  sentAt: Date;
}

export interface NoticeStore {
  /** Whether a notice with this key was sent already (by this process or another, before a restart or not). */
  hasNotice(key: string): Promise<boolean>;
  /** Records a sent notice; false if that key was recorded already. */
  recordNotice(notice: NoticeInput): Promise<boolean>;
}

export type SentenceCardState = 'open' | 'created' | 'cancelled';

/**
 * The routine a user described in a sentence to the bot (a DM or a mention), as the card in the thread shows it:
 * kept between the reply and the press of Create, Edit in form, Use this or Cancel, across restarts.
 */
export interface SentenceCard {
  id: string;
  /** Who wrote the sentence: the only person whose presses count. */
  slackUserId: string;
  /** Where the card was posted, and the thread it is in. */
  channelId: string;
  threadTs: string;
  /** The card message itself, once posted (to update it in place from elsewhere, e.g. the form it opened). */
  messageTs?: string;
  /** The routine form the card shows, as JSON. */
  form: unknown;
  state: SentenceCardState;
  createdAt: Date;
  updatedAt: Date;
}

export type SaveSentenceCardInput = Omit<SentenceCard, 'createdAt' | 'updatedAt'>;

export interface SentenceCardStore {
  /** Creates the card, or replaces its form, state and message ts (its author, channel and thread never change). */
  saveSentenceCard(card: SaveSentenceCardInput): Promise<void>;
  getSentenceCard(id: string): Promise<SentenceCard | null>;
}

export interface Store extends IdentityStore, DraftStore, AuditStore, IdempotencyStore, SharedCacheStore, UserChoicesStore, NoticeStore, SentenceCardStore {
  /** Which implementation this is (for `doctor` and logs). */
  readonly kind: 'sqlite' | 'postgres';
  /** The migrations applied to the database, oldest first (for `doctor`). */
  migrations(): Promise<string[]>;
  /** Closes the database; later calls fail with a StoreError. Safe to call twice. */
  close(): Promise<void>;
}
