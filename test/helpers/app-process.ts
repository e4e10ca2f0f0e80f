/**
 * The real process entry, compiled (`node dist/server.mjs`, what `npm start` runs; jest's global setup builds dist/ when
 * src/ changed) as a child process, against the fake Slack Web API and
 * the fake Omni running in the test process, so tests can SIGKILL or SIGTERM it mid-request and start it again on
 * the same database. Its log lines (JSON on stderr) are captured for assertions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeOmni, type FakeOmniOptions, startFakeOmni } from '../fakes/fake-omni.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../fakes/fake-slack.js';
import { type AppResponse, type PostToAppOptions, postToApp } from './slack-requests.js';

export const PROCESS_SIGNING_SECRET = 'process-signing-secret-7c41e0';

export interface ProcessFakes {
  slack: FakeSlack;
  omni: FakeOmni;
  members: { alice: string; bob: string };
  modelId: string;
  /** A fresh directory for this test's database (removed by close). */
  dir: string;
  databaseUrl: string;
  /** The environment a child needs to talk to these fakes and this database. */
  env: Record<string, string>;
  /** Every secret a log line must never contain. */
  secrets: string[];
  close(): Promise<void>;
}

/** The two fakes, seeded like the in-process harness (alice and bob, a Sales model), and a temp database path. */
export async function startProcessFakes(options: { omni?: FakeOmniOptions; slack?: FakeSlackOptions } = {}): Promise<ProcessFakes> {
  const slack = await startFakeSlack(options.slack);
  const omni = await startFakeOmni({ rateLimit: false, ...options.omni });
  const alice = omni.addMember({ email: 'alice@example.com', displayName: 'Alice Adams' });
  const bob = omni.addMember({ email: 'bob@example.com', displayName: 'Bob Brown' });
  const modelId = omni.addModel('Sales');
  const dir = mkdtempSync(join(tmpdir(), 'routine-bot-proc-'));
  const databaseUrl = `sqlite:${join(dir, 'bot.db')}`;
  return {
    slack,
    omni,
    members: { alice, bob },
    modelId,
    dir,
    databaseUrl,
    env: {
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: PROCESS_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      OMNI_BASE_URL: omni.url,
      OMNI_API_KEY: omni.apiKey,
      OMNI_RATE_LIMIT_PER_MINUTE: '10000',
      DATABASE_URL: databaseUrl,
      DEFAULT_TIMEZONE: 'UTC',
      LOG_LEVEL: 'debug',
      PORT: '0',
    },
    secrets: [omni.apiKey, slack.token, PROCESS_SIGNING_SECRET],
    async close() {
      await Promise.all([slack.close(), omni.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AppProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Every line the process wrote (stderr and stdout). */
  logs: string[];
  post(rawBody: string, opts?: PostToAppOptions): Promise<AppResponse>;
  /** The first log line (already written or still to come) matching `predicate`. */
  waitForLog(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (by pid) and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The compiled process entry: what `npm start` runs. */
export const COMPILED_ENTRY = fileURLToPath(new URL('../../dist/server.mjs', import.meta.url));

/**
 * Starts the compiled entry with `env` (plus PATH and TZ only) and waits for its "is running" line to learn the port.
 * `cwd` defaults to a fresh empty directory, so a developer's .env never reaches the child.
 */
export async function startAppProcess(env: Record<string, string>, options: { startTimeoutMs?: number; cwd?: string } = {}): Promise<AppProcess> {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'routine-bot-cwd-'));
  const child = spawn(process.execPath, [COMPILED_ENTRY], {
    cwd,
    // Nothing inherited but PATH: no NODE_OPTIONS from jest, no real credentials from the developer's shell.
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const waiters = new Set<{ predicate: (line: string) => boolean; resolve: (line: string) => void }>();
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        logs.push(line);
        for (const w of [...waiters]) {
          if (w.predicate(line)) {
            waiters.delete(w);
            w.resolve(line);
          }
        }
      }
    });
  };
  collect(child.stderr);
  collect(child.stdout);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });

  const waitForLog = (predicate: (line: string) => boolean, timeoutMs = 10_000): Promise<string> => {
    const already = logs.find(predicate);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${logs.slice(-10).join('\n')}`));
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then(() => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`the process exited first; last lines:\n${logs.slice(-10).join('\n')}`));
      });
    });
  };

  let line: string;
  try {
    line = await waitForLog((l) => l.includes('omni-routine-bot is running'), options.startTimeoutMs ?? 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const port = Number((JSON.parse(line) as { port?: unknown }).port);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in: ${line}`);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    baseUrl,
    logs,
    post: (rawBody, opts) => postToApp(`${baseUrl}/slack/events`, PROCESS_SIGNING_SECRET, rawBody, opts),
    waitForLog,
    exited,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, signal);
      return exited;
    },
  };
}

/** How many pieces of accepted work a running process still has (its /healthz says). */
async function inFlightOf(p: AppProcess): Promise<number> {
  const body = (await (await fetch(`${p.baseUrl}/healthz`)).json()) as { inFlight?: unknown };
  return typeof body.inFlight === 'number' ? body.inFlight : 0;
}

/**
 * Resolves once every process has had no accepted work running at two looks 50 ms apart (the processes' own
 * in-flight counts, read through /healthz), or throws after `timeoutMs`.
 */
export async function settleProcesses(processes: AppProcess[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietLooks = 0;
  while (quietLooks < 2) {
    if (Date.now() > deadline) throw new Error('the processes never settled');
    const counts = await Promise.all(processes.map(inFlightOf));
    quietLooks = counts.every((n) => n === 0) ? quietLooks + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
