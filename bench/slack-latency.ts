/**
 * Slash command → views.open latency of the bot against the bare Bolt app, under the same load, both as child
 * processes: a warm-up, then bursts of N concurrent commands from distinct users, first-time then returning (rounds
 * alternate which app goes first), then a sustained rate with a realistic user mix (mostly recent users, some
 * newcomers) in four segments, A-B-B-A, so drift and noisy neighbours hit both apps alike. Peak RSS is sampled
 * throughout.
 */
import { BENCH_SIGNING_SECRET, type BenchEnv, type BenchUser } from './lib/bench-env.js';
import type { ChildApp } from './lib/child-app.js';
import { type CommandResult, createUserMix, runBurst, runSustained, warmConnections } from './lib/load-driver.js';
import { type MachineLoad, describeMachineLoad, watchMachineLoad } from './lib/machine-load.js';
import { type LatencySummary, formatMs, formatRatio, formatRatioSpread, median, summariseLatencies } from './lib/stats.js';

export interface LatencyPair {
  ours: LatencySummary;
  bare: LatencySummary;
  /** ours / bare */
  p50Ratio: number;
  p99Ratio: number;
  /** CPU time each app process used per command, in ms, including work after the open (until Slack went quiet). */
  cpuMsPerCommand: { ours: number; bare: number };
}

export interface LatencyFigures {
  /** `roundP99Ratios`: ours/bare p99 of each round (a bot burst and a bare burst back to back); their median is
   * the ratio least moved by a noisy neighbour hitting one burst. */
  burst: BurstFigures;
  /** The same bursts from distinct users who used the command a moment ago (the bot has them cached). */
  returningBurst: BurstFigures;
  sustained: LatencyPair & { rate: number; seconds: number; newUserShare: number };
  peakRssBytes: { ours: number; bare: number };
  /** Size of the view each app sends in views.open (JSON bytes). */
  viewBytes: { ours: number; bare: number };
  /** A few of the errors seen (expired triggers, failed acks), for the report. */
  errors: string[];
  /** Whether other processes loaded the machine while the latency phases ran. */
  machineLoad: MachineLoad;
}

export type BurstFigures = LatencyPair & {
  size: number;
  rounds: number;
  /** ours/bare per paired round (a bot burst and a bare burst back to back, each on warmed connections). */
  roundP99Ratios: number[];
  roundP50Ratios: number[];
  medianRoundP99Ratio: number;
  medianRoundP50Ratio: number;
};

export interface LatencyOptions {
  burstSize: number;
  burstRounds: number;
  returningBurstRounds: number;
  rate: number;
  seconds: number;
  newUserShare: number;
  /** 1-minute load average read before the bench started anything. */
  loadBefore?: number;
  print: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the fake Slack has had no call for `quietMs` (the bot's post-open work is done), at most 15 s. */
export async function waitForQuiet(slack: BenchEnv['slack'], quietMs = 300): Promise<void> {
  const deadline = Date.now() + 15_000;
  let seen = slack.calls.length;
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    if (slack.calls.length !== seen) {
      seen = slack.calls.length;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

/** CPU a process may use in IDLE_WINDOW_MS and still count as idle: one tick of /proc's 10 ms clock. */
const IDLE_CPU_MS = 10;
const IDLE_WINDOW_MS = 300;

/**
 * Waits until every app has been idle (at most IDLE_CPU_MS of CPU in the last IDLE_WINDOW_MS), at most 5 s. The
 * fake Slack falling quiet is not enough: an app may still be working on what the burst left (a major GC of its
 * grown heap, identity writes), and that work landed in whichever app's burst came next. In one run the bot's
 * first-time ratio alternated with the order of the round (1.37, 0.98, 1.29, 0.96…) for that reason.
 */
export async function waitForIdle(apps: readonly ChildApp[]): Promise<void> {
  const deadline = Date.now() + 5000;
  const history: number[][] = [apps.map((a) => a.readCpuMs())];
  const windowPolls = Math.ceil(IDLE_WINDOW_MS / 50);
  while (Date.now() < deadline) {
    await sleep(50);
    history.push(apps.map((a) => a.readCpuMs()));
    if (history.length <= windowPolls) continue;
    const then = history[history.length - 1 - windowPolls] ?? [];
    const now = history[history.length - 1] ?? [];
    if (now.every((cpu, i) => cpu - (then[i] ?? 0) <= IDLE_CPU_MS)) return;
  }
}

function pair(ours: CommandResult[], bare: CommandResult[], cpuMs: { ours: number; bare: number }): LatencyPair {
  const summarise = (rs: CommandResult[]) =>
    summariseLatencies(
      rs.flatMap((r) => (r.openMs === null ? [] : [r.openMs])),
      rs.filter((r) => r.error !== undefined).length,
    );
  const o = summarise(ours);
  const b = summarise(bare);
  return {
    ours: o,
    bare: b,
    p50Ratio: o.p50 / b.p50,
    p99Ratio: o.p99 / b.p99,
    cpuMsPerCommand: { ours: cpuMs.ours / Math.max(1, ours.length), bare: cpuMs.bare / Math.max(1, bare.length) },
  };
}

function describePair(label: string, p: LatencyPair): string {
  const side = (s: LatencySummary) => `p50 ${formatMs(s.p50)} ms, p99 ${formatMs(s.p99)} ms, max ${formatMs(s.max)} ms${s.failed ? `, ${s.failed} failed` : ''}`;
  const cpu = p.cpuMsPerCommand;
  return (
    `${label}\n  bot:       ${side(p.ours)}\n  bare Bolt: ${side(p.bare)}\n  ratio bot/bare: p50 ${formatRatio(p.p50Ratio)}, p99 ${formatRatio(p.p99Ratio)}` +
    `\n  CPU per command: bot ${formatMs(cpu.ours)} ms, bare ${formatMs(cpu.bare)} ms (${formatRatio(cpu.ours / cpu.bare)})`
  );
}

/** Samples each app's RSS every 100 ms while load runs. */
function startRssSampler(apps: ChildApp[]): { stop(): Map<ChildApp, number> } {
  const peak = new Map<ChildApp, number>(apps.map((a) => [a, a.readRss()]));
  const timer = setInterval(() => {
    for (const a of apps) {
      try {
        peak.set(a, Math.max(peak.get(a) ?? 0, a.readRss()));
      } catch {
        // the process is gone; the error surfaces through the load results
      }
    }
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

export async function runSlackLatencyBench(env: BenchEnv, apps: { ours: ChildApp; bare: ChildApp }, options: LatencyOptions): Promise<LatencyFigures> {
  const { slack } = env;
  const errors: string[] = [];
  const keepErrors = (rs: CommandResult[]) => {
    for (const r of rs) if (r.error && errors.length < 5 && !errors.includes(r.error)) errors.push(r.error);
    return rs;
  };
  const sampler = startRssSampler([apps.ours, apps.bare]);
  const load = watchMachineLoad(() => {
    const self = process.cpuUsage();
    return (self.user + self.system) / 1000 + apps.ours.readCpuMs() + apps.bare.readCpuMs();
  }, options.loadBefore === undefined ? {} : { loadBefore: options.loadBefore });

  // Warm-up: JIT, connection pools, Bolt's first-request work. Not measured.
  const viewBytes = { ours: Number.NaN, bare: Number.NaN };
  for (const which of ['bare', 'ours'] as const) {
    const app = apps[which];
    const regulars = env.takeUsers(40);
    let i = 0;
    await runSustained(slack, app, BENCH_SIGNING_SECRET, { rate: options.rate, seconds: 3, nextUser: () => regulars[i++ % regulars.length] as BenchUser });
    await runBurst(slack, app, BENCH_SIGNING_SECRET, env.takeUsers(50));
    await waitForQuiet(slack);
    const opened = slack.callsTo('views.open')[0];
    viewBytes[which] = opened ? Buffer.byteLength(JSON.stringify(opened.args.view)) : Number.NaN;
    slack.reset();
  }
  options.print(`warm-up done (3 s at ${options.rate}/s and a burst of 50, each app); views.open view: bot ${viewBytes.ours} bytes, bare ${viewBytes.bare} bytes`);

  // Bursts: fresh users each time (none cached by the bot: the worst case for it).
  /** Rounds of one bot burst and one bare burst back to back, alternating which goes first. */
  const runBurstPhase = async (label: string, rounds: number, pickUsers: (round: number) => BenchUser[]): Promise<BurstFigures> => {
    const all = { ours: [] as CommandResult[], bare: [] as CommandResult[] };
    const cpu = { ours: 0, bare: 0 };
    const roundP99Ratios: number[] = [];
    const roundP50Ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const);
      const thisRound = { ours: [] as CommandResult[], bare: [] as CommandResult[] };
      const users = pickUsers(round);
      for (const which of order) {
        await sleep(200);
        await warmConnections(apps[which], users.length);
        const cpuBefore = apps[which].readCpuMs();
        thisRound[which] = keepErrors(await runBurst(slack, apps[which], BENCH_SIGNING_SECRET, users));
        // The next burst starts when this app's follow-up work is over (its Slack calls, then its CPU), so it never
        // runs against leftovers; the tail counts to this app's CPU.
        await waitForQuiet(slack);
        await waitForIdle([apps.ours, apps.bare]);
        cpu[which] += apps[which].readCpuMs() - cpuBefore;
        slack.reset();
      }
      all.ours.push(...thisRound.ours);
      all.bare.push(...thisRound.bare);
      const paired = pair(thisRound.ours, thisRound.bare, { ours: 0, bare: 0 });
      roundP99Ratios.push(paired.p99Ratio);
      roundP50Ratios.push(paired.p50Ratio);
    }
    const figures = {
      ...pair(all.ours, all.bare, cpu),
      size: options.burstSize,
      rounds,
      roundP99Ratios,
      roundP50Ratios,
      medianRoundP99Ratio: median(roundP99Ratios),
      medianRoundP50Ratio: median(roundP50Ratios),
    };
    options.print(describePair(`burst: ${options.burstSize} concurrent commands from ${label}, ${rounds} paired rounds`, figures));
    options.print(`  p99 ratio, median of the paired rounds: ${formatRatioSpread(roundP99Ratios)}; p50: ${formatRatioSpread(roundP50Ratios)}`);
    options.print(`  p99 ratio of each round: ${roundP99Ratios.map(formatRatio).join(', ')}`);
    return figures;
  };

  // First-time users (none in the bot's users.info cache: its worst case), then the same people again.
  const burstUsers: BenchUser[][] = [];
  const burst = await runBurstPhase('distinct first-time users', options.burstRounds, () => {
    const users = env.takeUsers(options.burstSize);
    burstUsers.push(users);
    return users;
  });
  const returningBurst = await runBurstPhase('distinct returning users', options.returningBurstRounds, (round) => burstUsers[round % burstUsers.length] ?? []);

  // Sustained: A-B-B-A segments; each app gets its own user mix made from the same seed (same pattern of repeats).
  const mixes = {
    ours: createUserMix({ seed: 7, newShare: options.newUserShare, take: (n) => env.takeUsers(n) }),
    bare: createUserMix({ seed: 7, newShare: options.newUserShare, take: (n) => env.takeUsers(n) }),
  };
  const sustained = { ours: [] as CommandResult[], bare: [] as CommandResult[] };
  const sustainedCpu = { ours: 0, bare: 0 };
  for (const which of ['bare', 'ours', 'ours', 'bare'] as const) {
    await sleep(200);
    await warmConnections(apps[which], 20);
    const cpuBefore = apps[which].readCpuMs();
    const results = await runSustained(slack, apps[which], BENCH_SIGNING_SECRET, { rate: options.rate, seconds: options.seconds / 2, nextUser: mixes[which] });
    sustained[which].push(...keepErrors(results));
    await waitForQuiet(slack);
    await waitForIdle([apps.ours, apps.bare]);
    sustainedCpu[which] += apps[which].readCpuMs() - cpuBefore;
    slack.reset();
  }
  const sustainedPair = pair(sustained.ours, sustained.bare, sustainedCpu);
  options.print(
    describePair(
      `sustained: ${options.rate} commands/s for ${options.seconds} s per app (two halves, A-B-B-A), ${Math.round(options.newUserShare * 100)}% new users`,
      sustainedPair,
    ),
  );

  const peak = sampler.stop();
  const machineLoad = load.stop();
  options.print(describeMachineLoad(machineLoad));
  const peakRssBytes = { ours: peak.get(apps.ours) ?? Number.NaN, bare: peak.get(apps.bare) ?? Number.NaN };
  options.print(`peak RSS under load: bot ${(peakRssBytes.ours / 2 ** 20).toFixed(1)} MiB, bare Bolt ${(peakRssBytes.bare / 2 ** 20).toFixed(1)} MiB`);
  if (errors.length) options.print(`errors seen: ${errors.join('; ')}`);
  return {
    burst,
    returningBurst,
    sustained: { ...sustainedPair, rate: options.rate, seconds: options.seconds, newUserShare: options.newUserShare },
    peakRssBytes,
    viewBytes,
    errors,
    machineLoad,
  };
}
