/**
 * What every part of the app bench shares: the fake Slack and fake Omni on 127.0.0.1 (in the driver's process),
 * a pool of users known to both (so quick opens, identity resolution and creates all work), and the environment
 * each app process is started with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOmni, startFakeOmni } from '../../test/fakes/fake-omni.js';
import { type FakeSlack, type FakeView, startFakeSlack } from '../../test/fakes/fake-slack.js';
import { type ViewStateValues, readInitialViewState, stateValue } from '../../test/helpers/slack-requests.js';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret-7c1e40';
/**
 * Omni's real WAF allows 60 requests a minute per key, and the bot's budget keeps to it. The bench raises both
 * (the fake's WAF and OMNI_RATE_LIMIT_PER_MINUTE alike) so counting requests does not wait on the budget; the
 * count per action does not depend on the rate.
 */
export const BENCH_OMNI_PER_MINUTE = 6000;

const ZONES = ['America/New_York', 'Europe/Paris', 'America/Los_Angeles', 'Asia/Tokyo', 'Europe/London', 'Australia/Sydney'];

export interface BenchUser {
  id: string;
  name: string;
  email: string;
}

export interface BenchEnv {
  slack: FakeSlack;
  omni: FakeOmni;
  modelId: string;
  /** A user pool; `takeUsers(n)` hands out users no app has seen yet. */
  takeUsers(n: number): BenchUser[];
  /** Environment for the bot process (src/index.ts), with its own fresh SQLite file. */
  botEnv(): Record<string, string>;
  /** Environment for the bare Bolt app. */
  bareEnv(): Record<string, string>;
  /** A scratch directory (cwd of the app processes, databases). */
  dir: string;
  close(): Promise<void>;
}

export async function startBenchEnv(options: { poolSize: number }): Promise<BenchEnv> {
  const users: BenchUser[] = [];
  for (let i = 0; i < options.poolSize; i++) {
    const n = String(i + 1).padStart(5, '0');
    users.push({ id: `UB${n}`, name: `user${n}`, email: `user${n}@example.com` });
  }
  const slack = await startFakeSlack({
    users: users.map((u, i) => ({ id: u.id, name: u.name, realName: `User ${u.name.slice(4)}`, email: u.email, tz: ZONES[i % ZONES.length] ?? 'UTC' })),
  });
  const omni = await startFakeOmni({ rateLimit: { perWindow: BENCH_OMNI_PER_MINUTE, windowMs: 60_000 } });
  for (const u of users) omni.addMember({ email: u.email, displayName: u.name });
  const modelId = omni.addModel('Sales');
  omni.addModel('Marketing');
  omni.addModel('Finance');
  omni.addTopic(modelId, 'order_items', { label: 'Order items' });

  const dir = mkdtempSync(join(tmpdir(), 'routine-bot-bench-'));
  let next = 0;
  let dbSeq = 0;
  const slackEnv = { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' };

  return {
    slack,
    omni,
    modelId,
    dir,
    takeUsers(n) {
      if (next + n > users.length) throw new Error(`bench user pool exhausted (${users.length}); raise poolSize`);
      const taken = users.slice(next, next + n);
      next += n;
      return taken;
    },
    botEnv: () => ({
      ...slackEnv,
      OMNI_BASE_URL: omni.url,
      OMNI_API_KEY: omni.apiKey,
      OMNI_RATE_LIMIT_PER_MINUTE: String(BENCH_OMNI_PER_MINUTE),
      DATABASE_URL: `sqlite:${join(dir, `bot-${++dbSeq}.db`)}`,
      DEFAULT_TIMEZONE: 'UTC',
      LOG_LEVEL: 'info',
    }),
    bareEnv: () => ({ ...slackEnv }),
    async close() {
      await Promise.all([slack.close(), omni.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The state of a filled routine modal the benches submit: a weekday 9am routine named `name`, to channel C0001. */
export function benchRoutineValues(view: FakeView, name: string, modelId: string): ViewStateValues {
  return {
    ...readInitialViewState(view as never),
    name: { name_input: stateValue.text(name) },
    prompt: { prompt_input: stateValue.text("Summarise yesterday's pipeline by rep") },
    schedule: { schedule_input: stateValue.text('every weekday at 9am') },
    timezone: { timezone_select: stateValue.externalSelect('America/New_York') },
    model: { model_select: stateValue.externalSelect(modelId, 'Sales') },
    delivery: { delivery_radio: stateValue.radio('channel') },
    channel: { channel_select: stateValue.conversation('C0001') },
  };
}
