/**
 * Load for the latency bench: signed `/routine` commands, each with a trigger id issued by the fake Slack, timed
 * from the moment the request is sent to the moment the fake Slack records the `views.open` that used that trigger
 * (the waiter resolves inside the fake's own bookkeeping, so no polling error). A burst fires N at once; a sustained
 * run sends at a fixed rate (open loop: a slow app does not slow the arrivals, as with real users).
 */
import { performance } from 'node:perf_hooks';
import type { FakeSlack } from '../../test/fakes/fake-slack.js';
import { postToApp, slashCommandBody } from '../../test/helpers/slack-requests.js';
import type { BenchUser } from './bench-env.js';
import { createRandom } from './stats.js';

export interface CommandResult {
  /** Send → views.open received by the fake Slack (even when Slack refused it); null when it never came. */
  openMs: number | null;
  /** Send → HTTP ack received by the driver. */
  ackMs: number | null;
  /** Slack's error for a views.open that arrived but failed (e.g. expired_trigger_id), or the driver's error. */
  error?: string;
}

export interface LoadTarget {
  eventsUrl: string;
}

const OPEN_WAIT_MS = 10_000;

interface PreparedCommand {
  body: string;
  opened: Promise<{ at: number; ok: boolean; error?: string } | null>;
}

function prepareCommand(slack: FakeSlack, user: BenchUser): PreparedCommand {
  const triggerId = slack.issueTriggerId({ userId: user.id });
  const body = slashCommandBody({ userId: user.id, userName: user.name, triggerId, text: '' });
  const opened = slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, OPEN_WAIT_MS).then(
    (call) => {
      const at = performance.now();
      const error = typeof call.response.error === 'string' ? call.response.error : undefined;
      return { at, ok: call.response.ok === true, ...(error ? { error } : {}) };
    },
    () => null,
  );
  return { body, opened };
}

async function fireCommand(target: LoadTarget, secret: string, prepared: PreparedCommand): Promise<CommandResult> {
  const sent = performance.now();
  let ackMs: number | null = null;
  let error: string | undefined;
  try {
    const res = await postToApp(target.eventsUrl, secret, prepared.body, { timeoutMs: OPEN_WAIT_MS });
    ackMs = performance.now() - sent;
    if (res.status !== 200) error = `ack status ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const opened = await prepared.opened;
  if (!opened) return { openMs: null, ackMs, error: error ?? 'no views.open' };
  const failure = error ?? (opened.ok ? undefined : (opened.error ?? 'views.open failed'));
  return { openMs: opened.at - sent, ackMs, ...(failure ? { error: failure } : {}) };
}

/**
 * Opens (or revives) `n` keep-alive connections to the app before a measured burst: `n` concurrent GET /healthz on
 * the same origin, so fetch's pool holds that many idle connections and the burst that follows reuses them for both
 * apps alike, instead of leaving it to timing whether connections from the last burst are still open (a 2–4 s gap
 * against keep-alive timeouts of a few seconds flipped the bot/bare ratio between 1.2× and 1.9×).
 */
export async function warmConnections(target: LoadTarget, n: number): Promise<void> {
  const url = new URL('/healthz', target.eventsUrl).toString();
  const answers = await Promise.all(
    Array.from({ length: n }, () =>
      fetch(url, { signal: AbortSignal.timeout(OPEN_WAIT_MS) }).then(
        async (res) => {
          await res.arrayBuffer();
          return res.status;
        },
        () => -1,
      ),
    ),
  );
  const bad = answers.filter((s) => s !== 200).length;
  if (bad > 0) throw new Error(`warming connections to ${url}: ${bad} of ${n} health checks failed`);
}

/** N commands at once, one per user given. */
export async function runBurst(slack: FakeSlack, target: LoadTarget, secret: string, users: readonly BenchUser[]): Promise<CommandResult[]> {
  // Build and sign everything first so the burst really is simultaneous.
  const prepared = users.map((u) => prepareCommand(slack, u));
  return Promise.all(prepared.map((p) => fireCommand(target, secret, p)));
}

/** `rate` commands a second for `seconds`, users from `nextUser`. */
export async function runSustained(
  slack: FakeSlack,
  target: LoadTarget,
  secret: string,
  options: { rate: number; seconds: number; nextUser: () => BenchUser },
): Promise<CommandResult[]> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const gapMs = 1000 / options.rate;
  const running: Array<Promise<CommandResult>> = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / gapMs) + 1);
      while (running.length < due) running.push(fireCommand(target, secret, prepareCommand(slack, options.nextUser())));
      if (running.length >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 2);
    tick();
  });
  return Promise.all(running);
}

/**
 * A realistic mix of users: mostly people who used the command recently (the bot has them cached), a share of
 * newcomers. Two mixes made with the same seed and options choose the same pattern, so both apps see the same load.
 */
export function createUserMix(options: { seed: number; newShare: number; take: (n: number) => BenchUser[]; warmRegulars?: readonly BenchUser[] }): () => BenchUser {
  const random = createRandom(options.seed);
  const seen: BenchUser[] = [...(options.warmRegulars ?? [])];
  return () => {
    if (seen.length === 0 || random() < options.newShare) {
      const [user] = options.take(1);
      if (!user) throw new Error('no user');
      seen.push(user);
      return user;
    }
    return seen[Math.floor(random() * seen.length)] as BenchUser;
  };
}
