/**
 * Start-up time and idle memory of the bot against the bare Bolt app, both as child processes started the same
 * way (`node --import tsx <entry>`, same fakes). Starts alternate (bare, bot, bare, bot, …) so a noisy neighbour
 * hits both; start-up is the median of the starts, spawn → the "running" line (then /healthz answers 200). The last
 * instance of each is left running for the latency and Omni benches; idle RSS is read from it after a quiet spell.
 */
import { fileURLToPath } from 'node:url';
import type { BenchEnv } from './lib/bench-env.js';
import { type ChildApp, spawnApp } from './lib/child-app.js';
import { median } from './lib/stats.js';

export const BOT_ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
export const BARE_ENTRY = fileURLToPath(new URL('./bare-bolt-app.ts', import.meta.url));

export interface ProcessFigures {
  startupMs: { ours: number; bare: number; oursRuns: number[]; bareRuns: number[] };
  idleRssBytes: { ours: number; bare: number };
}

export interface StartedApps {
  ours: ChildApp;
  bare: ChildApp;
}

export function spawnBot(env: BenchEnv, nodeFlags: string[] = []): Promise<ChildApp> {
  return spawnApp({ name: 'bot', entry: BOT_ENTRY, env: env.botEnv(), cwd: env.dir, readyPattern: /omni-routine-bot is running/, nodeFlags });
}

export function spawnBare(env: BenchEnv, nodeFlags: string[] = []): Promise<ChildApp> {
  return spawnApp({ name: 'bare bolt', entry: BARE_ENTRY, env: env.bareEnv(), cwd: env.dir, readyPattern: /bare bolt is running/, nodeFlags });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts each app `starts` times (alternating), keeps the last of each running, and reads their idle RSS. */
export async function runProcessFigures(
  env: BenchEnv,
  options: { starts: number; idleMs: number; print: (line: string) => void },
): Promise<{ figures: ProcessFigures; apps: StartedApps }> {
  const oursRuns: number[] = [];
  const bareRuns: number[] = [];
  let ours: ChildApp | undefined;
  let bare: ChildApp | undefined;
  // One unmeasured start of each first: it fills tsx's transform cache, as any start after the first would find it.
  await (await spawnBare(env)).stop();
  await (await spawnBot(env)).stop();
  for (let i = 0; i < options.starts; i++) {
    const last = i === options.starts - 1;
    const b = await spawnBare(env);
    bareRuns.push(b.startupMs);
    if (last) bare = b;
    else await b.stop();
    const o = await spawnBot(env);
    oursRuns.push(o.startupMs);
    if (last) ours = o;
    else await o.stop();
  }
  if (!ours || !bare) throw new Error('no starts');
  await sleep(options.idleMs);
  const figures: ProcessFigures = {
    startupMs: { ours: median(oursRuns), bare: median(bareRuns), oursRuns, bareRuns },
    idleRssBytes: { ours: ours.readRss(), bare: bare.readRss() },
  };
  options.print(
    `start-up (spawn → running, median of ${options.starts}): bot ${figures.startupMs.ours.toFixed(0)} ms, bare Bolt ${figures.startupMs.bare.toFixed(0)} ms`,
  );
  options.print(`idle RSS: bot ${(figures.idleRssBytes.ours / 2 ** 20).toFixed(1)} MiB, bare Bolt ${(figures.idleRssBytes.bare / 2 ** 20).toFixed(1)} MiB`);
  return { figures, apps: { ours, bare } };
}
