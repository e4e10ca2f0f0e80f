/**
 * Where an app's CPU goes per command, from V8 CPU profiles (`node --cpu-prof`). Self time is summed per part
 * (Bolt, web-api, Node's HTTP and streams, crypto, JSON, GC, the bot's own modules by folder, …).
 *
 * - `npm run bench` ends with a profiled phase (runCpuBreakdown): the bot and the bare app are started again with
 *   --cpu-prof, take the same bursts, and the table of milliseconds per command by part goes into
 *   docs/performance.md. Only samples after the first request count, so start-up is left out. The bot is profiled
 *   unbundled (dist/index.js): in the bundle every frame is in one file and the parts could not be told apart; per
 *   request it runs the same code.
 * - `npm run bench:cpu -- <dir> [--commands N]` prints the same breakdown for profiles written elsewhere
 *   (`BENCH_CPU_PROF=1 npm run bench` keeps the whole run's profiles).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_SIGNING_SECRET, type BenchEnv } from './lib/bench-env.js';
import { spawnBare, spawnBot } from './process-figures.js';
import { runBurst, warmConnections } from './lib/load-driver.js';
import { waitForQuiet } from './slack-latency.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the app a frame belongs to. */
export function partOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 and native (program)';
    if (/^(parse|stringify)$/.test(functionName)) return 'JSON';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return `dependency: ${inModules[1]}`;
  if (url.startsWith('node:')) {
    const mod = url.slice('node:'.length).replace(/^internal\//, '');
    if (/^(http|_http|net|stream|streams|internal\/streams)/.test(mod) || /^(http|net|streams?)/.test(mod.split('/')[0] ?? '')) return 'node: http, net, streams';
    if (mod.startsWith('crypto')) return 'node: crypto';
    if (mod.startsWith('async_hooks') || mod.includes('async_context') || mod.includes('async_local_storage')) return 'node: async context';
    if (mod.startsWith('timers')) return 'node: timers';
    if (mod.startsWith('url') || mod.startsWith('querystring')) return 'node: url, querystring';
    return `node: ${mod.split('/')[0]}`;
  }
  const ours = /\/(?:dist|src)\/(.+)$/.exec(url);
  if (ours) {
    const parts = (ours[1] ?? '').split('/');
    return `bot: ${parts.length > 1 ? parts.slice(0, -1).join('/') : parts[0]}`;
  }
  return 'other';
}

/**
 * Milliseconds of self time per part. With `fromFirstRequest`, samples before the first one taken while Node's HTTP
 * server handled a request (start-up, module loading, idle) are left out.
 */
export function breakdown(profile: CpuProfile, options: { fromFirstRequest?: boolean } = {}): Map<string, number> {
  const partById = new Map(profile.nodes.map((n) => [n.id, partOf(n.callFrame)]));
  let first = 0;
  if (options.fromFirstRequest) {
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const inRequest = (id: number): boolean => {
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur)?.callFrame;
        if (f && f.functionName === 'parserOnIncoming' && f.url.includes('_http_server')) return true;
      }
      return false;
    };
    first = profile.samples.findIndex(inRequest);
    if (first < 0) first = profile.samples.length;
  }
  const totals = new Map<string, number>();
  for (let i = first; i < profile.samples.length; i += 1) {
    const part = partById.get(profile.samples[i] ?? -1) ?? 'other';
    totals.set(part, (totals.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  totals.delete('idle');
  return totals;
}

export interface CpuBreakdown {
  /** Commands each app handled while profiled. */
  commands: number;
  /** Milliseconds per command by part, busy parts only, largest first (the bot's order). */
  parts: Array<{ part: string; ours: number; bare: number }>;
  total: { ours: number; bare: number };
}

const BOT_UNBUNDLED = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/**
 * Starts both apps again under --cpu-prof, sends each a warm-up burst and then `rounds` pairs of bursts (first-time
 * users, then the same users again), stops them and breaks their profiles down per command.
 */
export async function runCpuBreakdown(env: BenchEnv, options: { burstSize: number; rounds: number }): Promise<CpuBreakdown> {
  const dir = mkdtempSync(join(tmpdir(), 'routine-bot-cpu-'));
  try {
    const totals: Record<'ours' | 'bare', Map<string, number>> = { ours: new Map(), bare: new Map() };
    let commands = 0;
    for (const side of ['bare', 'ours'] as const) {
      const flags = ['--cpu-prof', `--cpu-prof-dir=${join(dir, side)}`];
      const app = side === 'ours' ? await spawnBot(env, flags, BOT_UNBUNDLED) : await spawnBare(env, flags);
      commands = 0;
      try {
        await warmConnections(app, 50);
        await runBurst(env.slack, app, BENCH_SIGNING_SECRET, env.takeUsers(50));
        commands += 50;
        for (let r = 0; r < options.rounds; r += 1) {
          const users = env.takeUsers(options.burstSize);
          for (let pass = 0; pass < 2; pass += 1) {
            await warmConnections(app, options.burstSize);
            await runBurst(env.slack, app, BENCH_SIGNING_SECRET, users);
            commands += users.length;
            await waitForQuiet(env.slack);
          }
        }
      } finally {
        await app.stop();
      }
      for (const file of readdirSync(join(dir, side)).filter((f) => f.endsWith('.cpuprofile'))) {
        const profile = JSON.parse(readFileSync(join(dir, side, file), 'utf8')) as CpuProfile;
        for (const [part, ms] of breakdown(profile, { fromFirstRequest: true })) totals[side].set(part, (totals[side].get(part) ?? 0) + ms);
      }
    }
    const parts = [...new Set([...totals.ours.keys(), ...totals.bare.keys()])]
      .map((part) => ({ part, ours: (totals.ours.get(part) ?? 0) / commands, bare: (totals.bare.get(part) ?? 0) / commands }))
      .sort((a, b) => b.ours - a.ours);
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / commands;
    return { commands, parts, total: { ours: sum(totals.ours), bare: sum(totals.bare) } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { commands: { type: 'string' }, top: { type: 'string' } } });
  const dir = positionals[0];
  if (!dir) {
    console.error('usage: bench/cpu-breakdown.ts <profile dir> [--commands N] [--top K]');
    process.exit(2);
  }
  const commands = values.commands ? Number(values.commands) : undefined;
  const top = Number(values.top ?? 25);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const totals = breakdown(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
    const busy = [...totals.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${file}: busy ${busy.toFixed(0)} ms${commands ? ` = ${(busy / commands).toFixed(3)} ms per command` : ''}`);
    for (const [part, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${part.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / busy).toFixed(1).padStart(5)}%${commands ? `  ${(ms / commands).toFixed(3)} ms/cmd` : ''}`);
    }
  }
}
