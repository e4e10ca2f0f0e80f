/**
 * `routine-bot users`: admin overrides of the Slack user → Omni membership mapping. Needs only DATABASE_URL, so
 * an admin can fix a mapping on the bot's host without the Slack or Omni secrets at hand.
 */
import type { CliIo } from '../cli.js';
import { systemClock } from '../clock.js';
import { isRoutineBotError } from '../errors.js';
import { isOmniId } from '../omni/schemas.js';
import { openStore, type Store, type StoredIdentity } from '../store/index.js';
import { UsageError, readArgs } from './args.js';

const DEFAULT_DATABASE_URL = 'sqlite:./data/routine-bot.db';
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const USAGE = `Usage:
  routine-bot users link <slack-user-id> <omni-membership-id> [--by NAME]
      Make this Slack user act as that Omni member; wins over the SCIM lookup by email and never expires.
  routine-bot users unlink <slack-user-id>
      Remove the override; the bot looks the user up by email again.
  routine-bot users list [--all]
      Show the overrides; with --all, also the identities cached from SCIM.

Slack user ids look like U0123ABCD (profile → ⋮ → Copy member ID). The Omni membership id is the UUID that
Omni's SCIM API returns as the user's id (the membership id, not the global Omni user id).
Reads DATABASE_URL (default ${DEFAULT_DATABASE_URL}).
`;

function readSlackUserId(value: string | undefined): string {
  if (value === undefined) throw new UsageError('Missing the Slack user id.');
  const id = value.trim();
  if (!SLACK_USER_ID.test(id)) {
    const hint = SLACK_USER_ID.test(id.toUpperCase()) ? ` (did you mean ${id.toUpperCase()}?)` : '';
    throw new UsageError(`"${id}" is not a Slack user id: they start with U or W, in capitals, e.g. U0123ABCD${hint}.`);
  }
  return id;
}

function readMembershipId(value: string | undefined): string {
  if (value === undefined) throw new UsageError('Missing the Omni membership id.');
  const id = value.trim();
  if (!isOmniId(id)) throw new UsageError(`"${id}" is not an Omni membership id: it is a UUID such as 0b6f3a52-1c1e-4b7a-9a55-2f1f0c0e4a11.`);
  return id.toLowerCase();
}

function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

type UsersCommand =
  | { kind: 'link'; slackUserId: string; membershipId: string; by?: string }
  | { kind: 'unlink'; slackUserId: string }
  | { kind: 'list'; all: boolean };

/** Reads the arguments after `users`; throws UsageError. Nothing touches the database before this succeeds. */
function parseUsersCommand(sub: string, args: string[], env: NodeJS.ProcessEnv): UsersCommand {
  switch (sub) {
    case 'link': {
      const { values, positionals } = readArgs(args, { by: { type: 'string' } });
      if (values.by !== undefined && !values.by.trim()) throw new UsageError('--by needs a name');
      if (positionals.length !== 2) throw new UsageError('users link takes a Slack user id and an Omni membership id.');
      const by = values.by?.trim() ?? env.SUDO_USER ?? env.USER ?? env.LOGNAME;
      return {
        kind: 'link',
        slackUserId: readSlackUserId(positionals[0]),
        membershipId: readMembershipId(positionals[1]),
        ...(by ? { by } : {}),
      };
    }
    case 'unlink': {
      const { positionals } = readArgs(args, {});
      if (positionals.length !== 1) throw new UsageError('users unlink takes one Slack user id.');
      return { kind: 'unlink', slackUserId: readSlackUserId(positionals[0]) };
    }
    case 'list': {
      const { values, positionals } = readArgs(args, { all: { type: 'boolean' } });
      if (positionals.length > 0) throw new UsageError('users list takes no arguments other than --all.');
      return { kind: 'list', all: values.all === true };
    }
    default:
      throw new UsageError(`Unknown users command "${sub}".`);
  }
}

async function linkUser(store: Store, cmd: Extract<UsersCommand, { kind: 'link' }>, io: CliIo): Promise<number> {
  const { slackUserId, membershipId } = cmd;
  const others = (await store.listOverrides()).filter((o) => o.membershipId === membershipId && o.slackUserId !== slackUserId);
  await store.linkOverride(slackUserId, membershipId, cmd.by);
  io.stdout.write(`Linked ${slackUserId} to Omni membership ${membershipId}. It wins over the email lookup until you unlink it.\n`);
  if (others.length > 0) {
    io.stdout.write(`Note: ${others.map((o) => o.slackUserId).join(', ')} ${others.length === 1 ? 'is' : 'are'} linked to the same membership too.\n`);
  }
  return 0;
}

async function unlinkUser(store: Store, cmd: Extract<UsersCommand, { kind: 'unlink' }>, io: CliIo): Promise<number> {
  if (!(await store.unlinkOverride(cmd.slackUserId))) {
    io.stderr.write(`${cmd.slackUserId} has no override, so there is nothing to unlink (see: routine-bot users list).\n`);
    return 1;
  }
  io.stdout.write(`Unlinked ${cmd.slackUserId}. The bot will look them up by their Slack email next time.\n`);
  return 0;
}

async function listUsers(store: Store, cmd: Extract<UsersCommand, { kind: 'list' }>, io: CliIo): Promise<number> {
  if (!cmd.all) {
    const overrides = await store.listOverrides();
    if (overrides.length === 0) {
      io.stdout.write('No overrides. Every user is looked up by their Slack email (add one with: routine-bot users link).\n');
      return 0;
    }
    io.stdout.write(
      formatTable(
        ['SLACK USER', 'OMNI MEMBERSHIP ID', 'LINKED AT', 'LINKED BY'],
        overrides.map((o) => [o.slackUserId, o.membershipId, formatInstant(o.linkedAt), o.linkedBy ?? '']),
      ),
    );
    return 0;
  }
  const identities = await store.listIdentities();
  if (identities.length === 0) {
    io.stdout.write('No overrides and no cached identities yet.\n');
    return 0;
  }
  const row = (i: StoredIdentity) => [
    i.slackUserId,
    i.membershipId,
    i.source === 'override' ? 'override' : 'scim cache',
    i.email ?? '',
    formatInstant(i.resolvedAt),
    i.linkedBy ?? '',
  ];
  io.stdout.write(formatTable(['SLACK USER', 'OMNI MEMBERSHIP ID', 'SOURCE', 'EMAIL', 'LINKED/RESOLVED AT', 'LINKED BY'], identities.map(row)));
  return 0;
}

/** Exit codes: 0 done, 1 refused or failed (e.g. unlink of a user without an override), 2 bad usage. */
export async function runUsersCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.stderr : io.stdout).write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  let cmd: UsersCommand;
  try {
    cmd = parseUsersCommand(sub, rest, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${err.message}\n\n${USAGE}`);
    return 2;
  }

  let store: Store | undefined;
  try {
    store = await openStore(io.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL, { clock: systemClock });
    if (cmd.kind === 'link') return await linkUser(store, cmd, io);
    if (cmd.kind === 'unlink') return await unlinkUser(store, cmd, io);
    return await listUsers(store, cmd, io);
  } catch (err) {
    // Store and DATABASE_URL errors carry plain words and never the URL itself.
    if (!isRoutineBotError(err)) throw err;
    io.stderr.write(`${err.message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
