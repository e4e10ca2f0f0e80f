/**
 * Start-up time and idle memory of the bot against the bare Bolt app, both as child processes started the same
 * way (compiled JavaScript, `node <entry>`, as `npm start` runs the bot; same fakes). Starts alternate (bare, bot,
 * bot through tsx, bare, …) so a noisy neighbour hits all; start-up is the median of the starts, spawn → the "running"
 * line (then /healthz answers 200). Idle RSS is the median over the starts, each read after the same quiet spell (the
 * tsx bot's from its last start). The last instance of the bot and of bare Bolt is left running for the latency and
 * Omni benches.
 * The bot through tsx (`node --import tsx src/index.ts`, how development runs it) is measured beside them, to show
 * what the compiled build saves.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ensureBuild } from '../scripts/build.js';
import type { BenchEnv } from './lib/bench-env.js';
import { type ChildApp, spawnApp } from './lib/child-app.js';
import { median } from './lib/stats.js';

export const BOT_ENTRY = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));
export const BOT_SOURCE_ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const BARE_SOURCE = fileURLToPath(new URL('./bare-bolt-app.ts', import.meta.url));
/** The bare app compiled like the bot; .mjs because inside node_modules the repo's "type": "module" does not apply. */
export const BARE_ENTRY = fileURLToPath(new URL('../node_modules/.cache/omni-routine-bot/bare-bolt-app.mjs', import.meta.url));

/** Builds dist/ when src/ changed and compiles the bare app, so both apps run as compiled JavaScript. */
export function prepareEntries(): void {
  if (ensureBuild() !== 0) throw new Error('the build of dist/ failed');
  const compiled = ts.transpileModule(readFileSync(BARE_SOURCE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  mkdirSync(dirname(BARE_ENTRY), { recursive: true });
  writeFileSync(BARE_ENTRY, compiled.outputText);
}

export interface ProcessFigures {
  startupMs: { ours: number; bare: number; oursRuns: number[]; bareRuns: number[] };
  /** Median of the readings, one per start, each after the same quiet spell. */
  idleRssBytes: { ours: number; bare: number; oursRuns: number[]; bareRuns: number[] };
  /** The bot started through tsx from src/ (development), measured the same way. */
  tsx: { startupMs: number; runs: number[]; idleRssBytes: number };
}

export interface StartedApps {
  ours: ChildApp;
  bare: ChildApp;
}

export function spawnBot(env: BenchEnv, nodeFlags: string[] = [], entry = BOT_ENTRY): Promise<ChildApp> {
  return spawnApp({ name: entry === BOT_ENTRY ? 'bot' : 'bot (tsx)', entry, env: env.botEnv(), cwd: env.dir, readyPattern: /omni-routine-bot is running/, nodeFlags });
}

export function spawnBare(env: BenchEnv, nodeFlags: string[] = []): Promise<ChildApp> {
  return spawnApp({ name: 'bare bolt', entry: BARE_ENTRY, env: env.bareEnv(), cwd: env.dir, readyPattern: /bare bolt is running/, nodeFlags });
}

/** How long after its "running" line an app counts as idle, when its RSS is read. */
export const IDLE_MS = 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts each app `starts` times (alternating), keeps the last of each running, and reads their idle RSS. */
export async function runProcessFigures(
  env: BenchEnv,
  options: { starts: number; idleMs: number; print: (line: string) => void },
): Promise<{ figures: ProcessFigures; apps: StartedApps }> {
  prepareEntries();
  const oursRuns: number[] = [];
  const bareRuns: number[] = [];
  const tsxRuns: number[] = [];
  let ours: ChildApp | undefined;
  let bare: ChildApp | undefined;
  let viaTsx: ChildApp | undefined;
  // One unmeasured start of each first: it warms the disk cache (and tsx's transform cache), as any later start finds it.
  await (await spawnBare(env)).stop();
  await (await spawnBot(env)).stop();
  await (await spawnBot(env, [], BOT_SOURCE_ENTRY)).stop();
  // Idle RSS is read from every start after the same quiet spell, and the median kept: one reading moves by up to
  // 10 MiB from start to start (whether a scavenge has run yet), far more than the differences it is there to show.
  const oursRss: number[] = [];
  const bareRss: number[] = [];
  const idle = async (app: ChildApp, into: number[]) => {
    await sleep(options.idleMs);
    into.push(app.readRss());
  };
  for (let i = 0; i < options.starts; i++) {
    const last = i === options.starts - 1;
    const b = await spawnBare(env);
    bareRuns.push(b.startupMs);
    await idle(b, bareRss);
    if (last) bare = b;
    else await b.stop();
    const o = await spawnBot(env);
    oursRuns.push(o.startupMs);
    await idle(o, oursRss);
    if (last) ours = o;
    else await o.stop();
    const t = await spawnBot(env, [], BOT_SOURCE_ENTRY);
    tsxRuns.push(t.startupMs);
    if (last) viaTsx = t;
    else await t.stop();
  }
  if (!ours || !bare || !viaTsx) throw new Error('no starts');
  await sleep(options.idleMs);
  const figures: ProcessFigures = {
    startupMs: { ours: median(oursRuns), bare: median(bareRuns), oursRuns, bareRuns },
    idleRssBytes: { ours: median(oursRss), bare: median(bareRss), oursRuns: oursRss, bareRuns: bareRss },
    tsx: { startupMs: median(tsxRuns), runs: tsxRuns, idleRssBytes: viaTsx.readRss() },
  };
  await viaTsx.stop();
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  options.print(
    `start-up (spawn → running, median of ${options.starts}): bot ${figures.startupMs.ours.toFixed(0)} ms, bare Bolt ${figures.startupMs.bare.toFixed(0)} ms, ` +
      `bot through tsx ${figures.tsx.startupMs.toFixed(0)} ms`,
  );
  options.print(`idle RSS (median of ${options.starts}): bot ${mib(figures.idleRssBytes.ours)}, bare Bolt ${mib(figures.idleRssBytes.bare)}, bot through tsx ${mib(figures.tsx.idleRssBytes)}`);
  return { figures, apps: { ours, bare } };
}
