/**
 * `routine-bot doctor`: checks what a new admin gets wrong, in order, and says how to fix each thing. Exit 0 only
 * when every check passes. Prints no secret: messages come from our own words and from typed errors whose texts
 * never carry the key or tokens.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import type { CliIo } from '../cli.js';
import { systemClock } from '../clock.js';
import { type Config, ConfigError, loadConfig, secretValues } from '../config.js';
import { createLogger } from '../log.js';
import { createRedactor } from '../redact.js';
import { createOmniClient } from '../omni/client.js';
import { OmniApiError } from '../omni/errors.js';
import { createInstanceApiReader, describeInstanceApi } from '../omni/instance-api.js';
import { createRateBudget } from '../omni/rate-budget.js';
import { matchModel } from '../routines/defaults.js';
import { budgetWindows, worstMinute } from '../omni/shared-budget.js';
import { openOmniBudget, type OmniBudget } from '../omni-budget.js';
import { readSlackErrorCode } from '../slack/slack-errors.js';
import { openStore, type Store } from '../store/index.js';

/** Where DATABASE_URL points, without its password (a postgres:// URL may carry one). */
export function describeDatabase(databaseUrl: string): string {
  const url = databaseUrl.trim();
  if (!/^postgres(ql)?:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

interface Check {
  name: string;
  run(): Promise<{ ok: boolean; detail: string; fix?: string }>;
}

const PROBE_EMAIL = 'routine-bot-doctor@example.invalid';

/** Every reason has its advice: without a default, a new Omni reason does not compile here until it is placed. */
function describeOmniError(err: unknown): { detail: string; fix: string } {
  const other = (e?: OmniApiError) => ({
    detail: `Omni answered with an error${e?.status ? ` (HTTP ${e.status})` : ''}${e?.omniMessage ? `: ${e.omniMessage}` : ''}`,
    fix: 'Check OMNI_BASE_URL and OMNI_API_KEY.',
  });
  if (!(err instanceof OmniApiError)) return other();
  const status = err.status ? ` (HTTP ${err.status})` : '';
  switch (err.reason) {
    case 'unauthorized':
      return { detail: `Omni refused the key${status}`, fix: 'Check OMNI_API_KEY: create an Organization API key in Omni → Settings → API access.' };
    case 'personal_key':
      return { detail: `Omni refused a personal (user-scoped) key${status}`, fix: 'Set OMNI_API_KEY to an Organization API key (Omni → Settings → API access → Organization keys): only it can act for each Slack user.' };
    case 'forbidden':
    case 'not_enabled':
      return { detail: `Omni said no${status}: ${err.omniMessage ?? 'forbidden'}`, fix: 'Use an organization key created by an Omni admin, and enable AI routines for the organization.' };
    case 'unavailable':
      return { detail: `Omni did not answer${status}`, fix: 'Check OMNI_BASE_URL (the address you log in with) and that this machine can reach it.' };
    case 'model_not_found':
    case 'not_found':
    case 'member_not_found':
    case 'routine_limit':
    case 'limit_unclear':
    case 'run_in_progress':
    case 'cannot_run':
    case 'not_supported':
    case 'conflict':
    case 'invalid_request':
    case 'rate_limited':
    case 'busy':
    case 'ambiguous':
    case 'unexpected_response':
      return other(err);
  }
}

function buildChecks(config: Config, omniBudget: OmniBudget | Error): Check[] {
  const logger = createLogger({ level: 'error', secrets: secretValues(config), sink: () => {} });
  const omni = createOmniClient({
    baseUrl: config.omni.baseUrl,
    apiKey: config.omni.apiKey,
    // The same budget the bot uses: on Postgres, doctor's requests count against every replica's budget.
    budget: omniBudget instanceof Error ? createRateBudget({ perMinute: config.omni.rateLimitPerMinute, clock: systemClock }) : omniBudget.budget,
    logger,
    timeoutMs: 10_000,
    retry: { limit: 1, baseDelayMs: 500, maxDelayMs: 2000 },
  });
  const slack = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} },
  });
  return [
    {
      name: 'Database',
      async run() {
        const where = describeDatabase(config.databaseUrl);
        let store: Store | undefined;
        try {
          store = await openStore(config.databaseUrl, { clock: systemClock, logger });
          const migrations = await store.migrations();
          // A write and a read through the same statements the bot uses: a claim, seen as taken, then released.
          const key = `doctor:${randomUUID()}`;
          const claimed = await store.beginIdempotent(key, { ttlMs: 60_000 });
          const seen = await store.beginIdempotent(key, { ttlMs: 60_000 });
          const released = await store.abandonIdempotent(key);
          if (claimed.state !== 'new' || seen.state !== 'in_progress' || !released) {
            return { ok: false, detail: `${where}: a write was not read back`, fix: 'Check that no other program rewrites the bot’s tables.' };
          }
          return { ok: true, detail: `${store.kind} ${where}, migrations ${migrations.join(', ') || 'none'}, write and read ok` };
        } catch (err) {
          return {
            ok: false,
            detail: `cannot use ${where}: ${err instanceof Error ? err.message : String(err)}`,
            fix: 'Point DATABASE_URL at a writable sqlite:<path>, or at a Postgres database this user may create tables in.',
          };
        } finally {
          await store?.close().catch(() => undefined);
        }
      },
    },
    {
      name: 'Omni budget',
      async run() {
        const perMinute = config.omni.rateLimitPerMinute;
        if (omniBudget instanceof Error) {
          return { ok: false, detail: `the shared budget could not start: ${omniBudget.message}`, fix: 'Check DATABASE_URL and that the database accepts connections.' };
        }
        if (omniBudget.scope === 'process') return { ok: true, detail: `this process's own, ${perMinute} a minute (SQLite: one process)` };
        const windows = budgetWindows(perMinute);
        try {
          await omniBudget.budget.acquire(Date.now() + 2000);
        } catch {
          return { ok: false, detail: 'no request could be had within 2 s: other replicas are spending the whole budget, or Omni paused it', fix: 'Run doctor again in a minute.' };
        }
        if (!omniBudget.shared?.isShared()) {
          return { ok: false, detail: 'the database did not answer; this replica fell back to its in-memory share', fix: 'Check DATABASE_URL and the database’s health.' };
        }
        return {
          ok: true,
          detail: `shared by every replica: ${windows.points} per ${windows.windowMs / 1000} s (at most ${worstMinute(windows)} in any minute of ${perMinute}), ${config.omni.replicas} replica${config.omni.replicas === 1 ? '' : 's'} planned`,
        };
      },
    },
    {
      name: 'Slack auth.test',
      async run() {
        try {
          const auth = await slack.auth.test();
          return { ok: true, detail: `workspace ${auth.team ?? auth.team_id}, bot @${auth.user ?? auth.user_id}` };
        } catch (err) {
          const code = readSlackErrorCode(err) ?? 'no answer';
          return { ok: false, detail: `Slack said ${code}`, fix: 'Copy the Bot User OAuth Token (xoxb-…) from "OAuth & Permissions" into SLACK_BOT_TOKEN, and reinstall the app if you changed scopes.' };
        }
      },
    },
    {
      name: 'Slack transport',
      async run() {
        if (config.slack.mode === 'socket') return { ok: true, detail: 'Socket Mode (SLACK_APP_TOKEN set); the manifest must have socket_mode_enabled: true' };
        return { ok: true, detail: `HTTP mode: Slack must reach https://<your host>/slack/events (port ${config.port})` };
      },
    },
    {
      name: 'Omni whoami',
      async run() {
        try {
          const me = await omni.whoami();
          if (me.keyScope !== 'organization') {
            return { ok: false, detail: `the key is a personal token (keyScope ${me.keyScope})`, fix: 'Use an Organization API key: only it can act for each Slack user and read SCIM.' };
          }
          return { ok: true, detail: `organization key (role ${me.orgRole})` };
        } catch (err) {
          return { ok: false, ...describeOmniError(err) };
        }
      },
    },
    {
      name: 'Omni AI routines',
      async run() {
        try {
          // A one-record list as the key's creator: 403 means AI routines are off for the organization.
          const me = await omni.whoami();
          await omni.listRoutines(me.user.membershipId, { pageSize: 1 });
          return { ok: true, detail: 'enabled for the organization' };
        } catch (err) {
          if (err instanceof OmniApiError && (err.reason === 'not_enabled' || err.reason === 'forbidden')) {
            return { ok: false, detail: 'AI routines are not enabled for the organization (Omni answered 403)', fix: 'In Omni, enable AI routines and AI query generation for the organization (Settings → AI).' };
          }
          return { ok: false, ...describeOmniError(err) };
        }
      },
    },
    {
      name: "Omni instance's API",
      async run() {
        const reader = createInstanceApiReader({ readSpec: () => omni.readApiSpec(), clock: systemClock, logger });
        const api = await reader.refresh();
        const detail = describeInstanceApi(api);
        if (api.source === 'documented') {
          return {
            ok: false,
            detail: `${detail}. ${api.note ?? ''}`.trim(),
            fix: `The bot reads ${config.omni.baseUrl}/api/openapi.json to learn how this instance updates and pauses routines; until it can, it assumes Omni's documented API, which may not match this instance.`,
          };
        }
        const notes = [api.note, api.pause ? undefined : 'Pause and Resume buttons are hidden: the instance offers no way to pause through its API'].filter(Boolean);
        return { ok: true, detail: notes.length > 0 ? `${detail}. ${notes.join('. ')}` : detail };
      },
    },
    {
      name: 'Omni SCIM user lookup',
      async run() {
        try {
          const users = await omni.findUsersByEmail(PROBE_EMAIL);
          return { ok: true, detail: `SCIM answers (${users.length} match for a probe address)` };
        } catch (err) {
          return { ok: false, ...describeOmniError(err) };
        }
      },
    },
    {
      name: 'Omni shared models',
      async run() {
        try {
          const models = await omni.listSharedModels();
          if (models.length === 0) return { ok: false, detail: 'no shared models visible to this key', fix: 'Routines need a shared model: share one in Omni, or use a key whose creator can see them.' };
          return { ok: true, detail: `${models.length} shared model${models.length === 1 ? '' : 's'}` };
        } catch (err) {
          return { ok: false, ...describeOmniError(err) };
        }
      },
    },
    {
      name: 'OMNI_DEFAULT_MODEL',
      async run() {
        const wanted = config.omni.defaultModel;
        if (!wanted) return { ok: true, detail: 'not set (the form preselects a model only when one is shared, or the one a user picked last)' };
        try {
          const models = await omni.listSharedModels();
          const found = matchModel(models, wanted);
          if (found) return { ok: true, detail: `preselects ${found.name ?? found.id} (${found.id})` };
          const sameName = models.filter((m) => (m.name ?? '').trim().toLowerCase() === wanted.trim().toLowerCase()).length;
          const names = models.slice(0, 10).map((m) => m.name ?? m.id).join(', ');
          return {
            ok: false,
            detail: sameName > 1 ? `${sameName} shared models are named "${wanted}"` : `no shared model has the id or name "${wanted}"`,
            fix: sameName > 1 ? 'Set OMNI_DEFAULT_MODEL to the model id instead of its name.' : `Set it to one of: ${names}${models.length > 10 ? ', …' : ''} (or its id), or leave it empty.`,
          };
        } catch (err) {
          return { ok: false, ...describeOmniError(err) };
        }
      },
    },
  ];
}

export async function runDoctorCommand(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0 && !['--help', '-h'].includes(args[0] ?? '')) {
    io.stderr.write(`Unknown argument "${args[0]}". Usage: routine-bot doctor\n`);
    return 2;
  }
  if (args.length > 0) {
    io.stdout.write('Usage: routine-bot doctor\nChecks the configuration, Slack and Omni, and says what to fix.\n');
    return 0;
  }
  const env = { ...io.env };
  if (existsSync('.env')) {
    const { parseEnv } = await import('node:util');
    const { readFileSync } = await import('node:fs');
    Object.assign(env, parseEnv(readFileSync('.env', 'utf8')), io.env);
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stdout.write('✗ Configuration\n');
    for (const p of err.problems) io.stdout.write(`    ${p.variable} ${p.problem}\n`);
    io.stdout.write('\nFix these (in the environment or .env) and run doctor again.\n');
    return 1;
  }
  io.stdout.write(`✓ Configuration (${config.slack.mode === 'socket' ? 'Socket Mode' : 'HTTP mode'})\n`);
  let failed = 0;
  const silent = createLogger({ level: 'error', secrets: secretValues(config), sink: () => {} });
  // Doctor is no Slack handler: it gives the database a second to answer before calling it unreachable.
  const omniBudget = await openOmniBudget(config, { clock: systemClock, logger: silent, storeTimeoutMs: 2000 }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  try {
    failed = await runChecks(buildChecks(config, omniBudget), io, createRedactor(secretValues(config)));
  } finally {
    if (!(omniBudget instanceof Error)) await omniBudget.close();
  }
  io.stdout.write(failed === 0 ? '\nAll checks passed.\n' : `\n${failed} check${failed === 1 ? '' : 's'} failed.\n`);
  // End users are only told to ask their Slack admin; this is what the admin then does.
  io.stdout.write(
    '\nSomeone told to "ask your Slack admin to link your Omni account"? Their Slack email matches no single Omni user:\n' +
      '  npx routine-bot users link <slack-user-id> <membership-id>   (the bot logs the exact command when it meets one)\n',
  );
  return failed === 0 ? 0 : 1;
}

async function runChecks(checks: Check[], io: CliIo, redact: (text: string) => string): Promise<number> {
  let failed = 0;
  for (const check of checks) {
    const result = await check.run();
    if (!result.ok) failed += 1;
    io.stdout.write(redact(`${result.ok ? '✓' : '✗'} ${check.name}: ${result.detail}\n`));
    if (!result.ok && result.fix) io.stdout.write(redact(`    fix: ${result.fix}\n`));
  }
  return failed;
}
