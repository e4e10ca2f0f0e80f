/**
 * The store's methods, written once for both engines on kysely. Each write is one atomic statement
 * (INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING) that SQLite and Postgres run alike, so the outcome is
 * decided by the database even when several processes or replicas write the same row at once.
 *
 * Adding a method: write it here (one place for both engines), add its table or columns as the next migration to
 * both ./sqlite/migrations.ts and ./postgres/migrations.ts and its table type to ./schema.ts, and its cases to the
 * contract suite (test/unit/store/store-contract.ts), which runs on both engines.
 */
import { randomUUID } from 'node:crypto';
import { type Compilable, CompiledQuery, type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.js';
import { isRoutineBotError } from '../errors.js';
import { StoreError } from './errors.js';
import { appliedMigrations } from './migration.js';
import { serializeAuditRequest } from '../redact.js';
import type { AuditLogTable, DatabaseSchema, DraftsTable, IdentitiesTable } from './schema.js';
import type { AuditEntry, Draft, IdentityOverride, Store, StoredIdentity } from './types.js';
import type { Selectable } from 'kysely';

export interface KyselyStoreOptions {
  kind: Store['kind'];
  clock: Clock;
  /** How long a completed idempotency key (and its result) is kept. */
  idempotencyRetentionMs: number;
  /** Turns a driver error into words (never the connection string). */
  describeError: (err: unknown) => string;
  /** Frees the connection(s); called once by close(). */
  destroy: () => Promise<void>;
}

const MAX_AUDIT_LIMIT = 10_000;

function toIdentity(row: Selectable<IdentitiesTable>): StoredIdentity {
  return {
    slackUserId: row.slack_user_id,
    ...(row.team_id !== null ? { teamId: row.team_id } : {}),
    ...(row.email !== null ? { email: row.email } : {}),
    membershipId: row.membership_id,
    source: row.source,
    resolvedAt: new Date(Number(row.resolved_at)),
    ...(row.linked_by !== null ? { linkedBy: row.linked_by } : {}),
  };
}

function toDraft(row: Selectable<DraftsTable>): Draft {
  return {
    id: row.id,
    slackUserId: row.slack_user_id,
    form: JSON.parse(row.form) as unknown,
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    status: row.status,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: new Date(Number(row.at)),
    slackUserId: row.slack_user_id,
    ...(row.membership_id !== null ? { membershipId: row.membership_id } : {}),
    action: row.action,
    ...(row.routine_id !== null ? { routineId: row.routine_id } : {}),
    request: JSON.parse(row.request) as unknown,
    outcome: row.outcome,
    ...(row.omni_status !== null ? { omniStatus: Number(row.omni_status) } : {}),
    ...(row.omni_message !== null ? { omniMessage: row.omni_message } : {}),
  };
}

function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new StoreError(`The ${what} must be JSON-serialisable.`);
  return json;
}

/**
 * A query built and compiled by kysely once, then run with new values: building and compiling a query costs about
 * 0.3 ms of CPU, and the replay claim runs on every signed request, on the thread that acks everyone. The query is
 * built with a marker in place of each named value; each run substitutes the values at the markers' positions in
 * the compiled parameters (the SQL is the dialect's own, so this works the same on SQLite and Postgres).
 */
export function compileOnce<A extends Record<string, unknown>, Row>(
  build: (args: A) => Compilable<Row>,
  names: ReadonlyArray<keyof A & string>,
): (values: A) => CompiledQuery<Row> {
  const marker = (name: string) => `\u0000compile-once:${name}`;
  const compiled = build(Object.fromEntries(names.map((n) => [n, marker(n)])) as A).compile();
  const slots = compiled.parameters.map((p) => names.find((n) => p === marker(n)));
  for (const name of names) {
    if (!slots.includes(name)) throw new Error(`compileOnce: "${name}" is not among the query's parameters`);
  }
  return (values) => CompiledQuery.raw(compiled.sql, compiled.parameters.map((p, i) => (slots[i] === undefined ? p : values[slots[i]]))) as CompiledQuery<Row>;
}

/** Rows per statement when recording claims (5 parameters a row). */
const RECORD_CLAIMS_CHUNK = 200;

/** How often claiming an idempotency key also deletes the expired ones. */
const SWEEP_EVERY_MS = 60_000;
/** How long a routine card answering a sentence is kept after its last change, and how often old ones are swept. */
export const SENTENCE_CARD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const CARD_SWEEP_EVERY_MS = 60 * 60 * 1000;

export function createKyselyStore(db: Kysely<DatabaseSchema>, options: KyselyStoreOptions): Store {
  const { clock, idempotencyRetentionMs: retentionMs } = options;
  let lastSweepAt = Number.NEGATIVE_INFINITY;
  let lastCardSweepAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  // The reads of every modal opened (who the user is in Omni, what they chose last time): compiled once.
  const identityOf = compileOnce(({ slackUserId }: { slackUserId: string }) => db.selectFrom('identities').selectAll().where('slack_user_id', '=', slackUserId), ['slackUserId']);
  const choicesOf = compileOnce(({ slackUserId }: { slackUserId: string }) => db.selectFrom('user_choices').selectAll().where('slack_user_id', '=', slackUserId), [
    'slackUserId',
  ]);

  // The claim of every signed request (replay memory) and of every submission: compiled once (see compileOnce).
  type ClaimArgs = { key: string; now: number; expiresAt: number };
  const claimKey = compileOnce<ClaimArgs, { key: string }>(
    ({ key, now, expiresAt }) =>
      db
        .insertInto('idempotency_keys')
        .values({ key, state: 'in_progress', result: null, expires_at: expiresAt, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              result: null,
              expires_at: eb.ref('excluded.expires_at'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            // Expired: a finished key past its retention, or a claim whose holder died or overran.
            .where('idempotency_keys.expires_at', '<=', now),
        )
        .returning('key'),
    ['key', 'now', 'expiresAt'],
  );

  /** Runs one database step; any driver error becomes a StoreError saying what could not be done. */
  const run = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError(`Could not ${what}: the store is closed.`);
    try {
      return await step();
    } catch (err) {
      if (isRoutineBotError(err)) throw err;
      throw new StoreError(`Could not ${what} (${options.describeError(err)}).`, { cause: err });
    }
  };

  return {
    kind: options.kind,

    getIdentity: (slackUserId) =>
      run('read the identity', async () => {
        const row = (await db.executeQuery(identityOf({ slackUserId }))).rows[0];
        return row === undefined ? null : toIdentity(row);
      }),
    saveIdentity: (identity) =>
      run('save the identity', async () => {
        const row = await db
          .insertInto('identities')
          .values({
            slack_user_id: identity.slackUserId,
            team_id: identity.teamId ?? null,
            email: identity.email,
            membership_id: identity.membershipId,
            source: identity.source,
            resolved_at: identity.resolvedAt.getTime(),
            linked_by: null,
          })
          .onConflict((oc) =>
            oc
              .column('slack_user_id')
              .doUpdateSet((eb) => ({
                team_id: eb.ref('excluded.team_id'),
                email: eb.ref('excluded.email'),
                membership_id: eb.ref('excluded.membership_id'),
                source: eb.ref('excluded.source'),
                resolved_at: eb.ref('excluded.resolved_at'),
                linked_by: null,
              }))
              // A SCIM answer never replaces an admin's override.
              .where((eb) => eb.or([eb('identities.source', '=', 'scim'), eb('excluded.source', '=', 'override')])),
          )
          .returning('slack_user_id')
          .executeTakeFirst();
        return row !== undefined;
      }),
    deleteIdentity: (slackUserId) =>
      run('forget the identity', async () => {
        const result = await db.deleteFrom('identities').where('slack_user_id', '=', slackUserId).where('source', '=', 'scim').executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),
    linkOverride: (slackUserId, membershipId, by) =>
      run('link the override', async () => {
        await db
          .insertInto('identities')
          .values({
            slack_user_id: slackUserId,
            team_id: null,
            email: null,
            membership_id: membershipId,
            source: 'override',
            resolved_at: clock().getTime(),
            linked_by: by ?? null,
          })
          .onConflict((oc) =>
            oc.column('slack_user_id').doUpdateSet((eb) => ({
              // The email SCIM found still describes the user when the override names the same membership.
              email: sql<string | null>`CASE WHEN identities.membership_id = excluded.membership_id THEN identities.email ELSE NULL END`,
              membership_id: eb.ref('excluded.membership_id'),
              source: 'override',
              resolved_at: eb.ref('excluded.resolved_at'),
              linked_by: eb.ref('excluded.linked_by'),
            })),
          )
          .execute();
      }),
    unlinkOverride: (slackUserId) =>
      run('unlink the override', async () => {
        const result = await db.deleteFrom('identities').where('slack_user_id', '=', slackUserId).where('source', '=', 'override').executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),
    listOverrides: () =>
      run('list the overrides', async () => {
        const rows = await db.selectFrom('identities').selectAll().where('source', '=', 'override').orderBy('resolved_at').orderBy('slack_user_id').execute();
        return rows.map((row): IdentityOverride => {
          const identity = toIdentity(row);
          return {
            slackUserId: identity.slackUserId,
            membershipId: identity.membershipId,
            ...(identity.email !== undefined ? { email: identity.email } : {}),
            linkedAt: identity.resolvedAt,
            ...(identity.linkedBy !== undefined ? { linkedBy: identity.linkedBy } : {}),
          };
        });
      }),
    listIdentities: () =>
      run('list the identities', async () => (await db.selectFrom('identities').selectAll().orderBy('slack_user_id').execute()).map(toIdentity)),

    saveDraft: (draft) =>
      run('save the draft', async () => {
        const now = clock().getTime();
        const id = draft.id ?? randomUUID();
        const row = await db
          .insertInto('drafts')
          .values({
            id,
            slack_user_id: draft.slackUserId,
            form: toJson(draft.form, 'draft form'),
            last_error: draft.lastError ?? null,
            status: draft.status,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .column('id')
              .doUpdateSet((eb) => ({
                form: eb.ref('excluded.form'),
                last_error: eb.ref('excluded.last_error'),
                status: eb.ref('excluded.status'),
                updated_at: eb.ref('excluded.updated_at'),
              }))
              .whereRef('drafts.slack_user_id', '=', 'excluded.slack_user_id'),
          )
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) throw new StoreError('That draft belongs to another user.');
        return row.id;
      }),
    getDraft: (id) =>
      run('read the draft', async () => {
        const row = await db.selectFrom('drafts').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? null : toDraft(row);
      }),
    listDrafts: (slackUserId) =>
      run('list the drafts', async () =>
        (
          await db
            .selectFrom('drafts')
            .selectAll()
            .where('slack_user_id', '=', slackUserId)
            .orderBy('updated_at', 'desc')
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .execute()
        ).map(toDraft),
      ),
    deleteDraft: (id) =>
      run('delete the draft', async () => Number((await db.deleteFrom('drafts').where('id', '=', id).executeTakeFirst()).numDeletedRows) === 1),

    appendAudit: (entry) =>
      run('write the audit log', async () => {
        const row = await db
          .insertInto('audit_log')
          .values({
            at: entry.at.getTime(),
            slack_user_id: entry.slackUserId,
            membership_id: entry.membershipId ?? null,
            action: entry.action,
            routine_id: entry.routineId ?? null,
            request: serializeAuditRequest(entry.request),
            outcome: entry.outcome,
            omni_status: entry.omniStatus ?? null,
            omni_message: entry.omniMessage ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return Number(row.id);
      }),
    listAudit: (query) =>
      run('read the audit log', async () => {
        let q = db.selectFrom('audit_log').selectAll();
        if (query.slackUserId !== undefined) q = q.where('slack_user_id', '=', query.slackUserId);
        if (query.routineId !== undefined) q = q.where('routine_id', '=', query.routineId);
        const rows = await q
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(Math.max(1, Math.min(MAX_AUDIT_LIMIT, Math.floor(query.limit))))
          .execute();
        return rows.map(toAuditEntry);
      }),

    beginIdempotent: (key, { ttlMs }) =>
      run('claim the submission key', async () => {
        if (!(ttlMs > 0)) throw new StoreError('An idempotency ttl must be a positive number of milliseconds.');
        const now = clock().getTime();
        // Housekeeping only (the claim below already treats an expired row as free), so at most once a minute: a
        // claim runs on every signed request, and a second statement each time is CPU on the thread that acks.
        if (now - lastSweepAt >= SWEEP_EVERY_MS || now < lastSweepAt) {
          lastSweepAt = now;
          await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute();
        }
        // A row that vanishes between the claim and the read (abandoned meanwhile) is claimed on the next pass.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const claimed = (await db.executeQuery(claimKey({ key, now, expiresAt: now + ttlMs }))).rows[0];
          if (claimed !== undefined) return { state: 'new' } as const;
          const row = await db
            .selectFrom('idempotency_keys')
            .select(['state', 'result', 'expires_at'])
            .where('key', '=', key)
            .where('expires_at', '>', now)
            .executeTakeFirst();
          if (row === undefined) continue;
          if (row.state === 'in_progress') return { state: 'in_progress', expiresAt: new Date(Number(row.expires_at)) } as const;
          return { state: 'done', result: row.result === null ? null : (JSON.parse(row.result) as unknown) } as const;
        }
        throw new StoreError('The submission key kept changing under us; try again.');
      }),
    completeIdempotent: (key, result) =>
      run('record the finished submission', async () => {
        const now = clock().getTime();
        await db
          .insertInto('idempotency_keys')
          .values({ key, state: 'done', result: toJson(result ?? null, 'submission result'), expires_at: now + retentionMs, updated_at: now })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              result: eb.ref('excluded.result'),
              expires_at: eb.ref('excluded.expires_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }),
    abandonIdempotent: (key) =>
      run('release the submission key', async () => {
        const result = await db.deleteFrom('idempotency_keys').where('key', '=', key).where('state', '=', 'in_progress').executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),

    recordClaims: (claims) =>
      run('record the claimed requests', async () => {
        const now = clock().getTime();
        const live = claims.filter((c) => c.expiresAt.getTime() > now);
        // One statement per chunk: well under either engine's limit on bound parameters.
        for (let i = 0; i < live.length; i += RECORD_CLAIMS_CHUNK) {
          const rows = live.slice(i, i + RECORD_CLAIMS_CHUNK).map((c) => ({ key: c.key, state: 'in_progress' as const, result: null, expires_at: c.expiresAt.getTime(), updated_at: now }));
          await db
            .insertInto('idempotency_keys')
            .values(rows)
            .onConflict((oc) =>
              oc
                .column('key')
                .doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), result: null, expires_at: eb.ref('excluded.expires_at'), updated_at: eb.ref('excluded.updated_at') }))
                .where('idempotency_keys.expires_at', '<=', now),
            )
            .execute();
        }
      }),
    listLiveClaims: (prefix) =>
      run('read the claimed requests', async () => {
        const rows = await db
          .selectFrom('idempotency_keys')
          .select(['key', 'expires_at'])
          // Wildcards in the prefix become `_` (any one character): a wider match, narrowed below on both engines.
          .where('key', 'like', `${prefix.replace(/[\\%_]/g, '_')}%`)
          .where('expires_at', '>', clock().getTime())
          .execute();
        // LIKE also ignores ASCII case on SQLite: the prefix itself decides.
        return rows.filter((r) => r.key.startsWith(prefix)).map((r) => ({ key: r.key, expiresAt: new Date(Number(r.expires_at)) }));
      }),

    getCached: (key) =>
      run('read the shared cache', async () => {
        const row = await db
          .selectFrom('shared_cache')
          .select(['value', 'stored_at'])
          .where('key', '=', key)
          .where('expires_at', '>', clock().getTime())
          .executeTakeFirst();
        return row === undefined ? null : { value: JSON.parse(row.value) as unknown, storedAt: new Date(Number(row.stored_at)) };
      }),
    putCached: (key, value, ttlMs) =>
      run('write the shared cache', async () => {
        const now = clock().getTime();
        await db
          .insertInto('shared_cache')
          .values({ key, value: toJson(value ?? null, 'cached value'), stored_at: now, expires_at: now + Math.max(0, ttlMs) })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              stored_at: eb.ref('excluded.stored_at'),
              expires_at: eb.ref('excluded.expires_at'),
            })),
          )
          .execute();
        // Housekeeping, a statement of its own: expired entries of any key.
        await db.deleteFrom('shared_cache').where('expires_at', '<=', now).execute();
      }),

    getUserChoices: (slackUserId) =>
      run('read the remembered choices', async () => {
        const row = (await db.executeQuery(choicesOf({ slackUserId }))).rows[0];
        if (row === undefined) return null;
        return {
          ...(row.model_id !== null ? { modelId: row.model_id } : {}),
          ...(row.model_name !== null ? { modelName: row.model_name } : {}),
          ...(row.timezone !== null ? { timezone: row.timezone } : {}),
          ...(row.delivery !== null ? { delivery: row.delivery } : {}),
          updatedAt: new Date(Number(row.updated_at)),
        };
      }),
    saveUserChoices: (slackUserId, choices) =>
      run('remember the choices', async () => {
        const values = {
          slack_user_id: slackUserId,
          model_id: choices.modelId ?? null,
          model_name: choices.modelName ?? null,
          timezone: choices.timezone ?? null,
          delivery: choices.delivery ?? null,
          updated_at: clock().getTime(),
        };
        await db
          .insertInto('user_choices')
          .values(values)
          .onConflict((oc) =>
            oc.column('slack_user_id').doUpdateSet((eb) => ({
              model_id: eb.ref('excluded.model_id'),
              model_name: eb.ref('excluded.model_name'),
              timezone: eb.ref('excluded.timezone'),
              delivery: eb.ref('excluded.delivery'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }),

    hasNotice: (key) =>
      run('read the notices sent', async () => (await db.selectFrom('notices').select('key').where('key', '=', key).executeTakeFirst()) !== undefined),
    recordNotice: (notice) =>
      run('record a notice sent', async () => {
        const result = await db
          .insertInto('notices')
          .values({ key: notice.key, slack_user_id: notice.slackUserId, routine_id: notice.routineId, kind: notice.kind, sent_at: notice.sentAt.getTime() })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      }),

    getSentenceCard: (id) =>
      run('read a routine card', async () => {
        const row = await db.selectFrom('sentence_cards').selectAll().where('id', '=', id).executeTakeFirst();
        if (row === undefined) return null;
        return {
          id: row.id,
          slackUserId: row.slack_user_id,
          channelId: row.channel_id,
          threadTs: row.thread_ts,
          ...(row.message_ts !== null ? { messageTs: row.message_ts } : {}),
          form: JSON.parse(row.form) as unknown,
          state: row.state,
          createdAt: new Date(Number(row.created_at)),
          updatedAt: new Date(Number(row.updated_at)),
        };
      }),
    saveSentenceCard: (card) =>
      run('save a routine card', async () => {
        const now = clock().getTime();
        // Housekeeping, at most once an hour: a card nobody touched for 30 days is gone (a press on it then says
        // the card is no longer available). Without it the table grows by a row for every sentence, for ever.
        if (now - lastCardSweepAt >= CARD_SWEEP_EVERY_MS || now < lastCardSweepAt) {
          lastCardSweepAt = now;
          await db.deleteFrom('sentence_cards').where('updated_at', '<', now - SENTENCE_CARD_RETENTION_MS).execute();
        }
        await db
          .insertInto('sentence_cards')
          .values({
            id: card.id,
            slack_user_id: card.slackUserId,
            channel_id: card.channelId,
            thread_ts: card.threadTs,
            message_ts: card.messageTs ?? null,
            form: toJson(card.form, 'routine card form'),
            state: card.state,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              // author, channel and thread never change; a missing message ts keeps the one stored
              message_ts: sql`COALESCE(excluded.message_ts, sentence_cards.message_ts)`,
              form: eb.ref('excluded.form'),
              state: eb.ref('excluded.state'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }),

    migrations: () => run('read the applied migrations', () => appliedMigrations(db as unknown as Kysely<unknown>)),

    close: async () => {
      if (closed) return;
      closed = true;
      await options.destroy();
    },
  };
}
