/**
 * Was the machine busy with something else while we measured? Two signs, both read from the OS:
 *  - the 1-minute load average before the run, against the number of cores (the bench itself has not started yet);
 *  - during the run, the CPU time the whole machine spent busy (/proc/stat) minus what the bench and its app
 *    processes used: other processes' share of the cores.
 * A run on a loaded machine is flagged in the printout and in docs/performance.md: its latencies (and less so its
 * ratios) say more about the neighbours than about the apps.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface MachineLoad {
  cores: number;
  loadBefore: number;
  loadAfter: number;
  /** Share of all cores (0–1) that processes other than the bench and its apps kept busy; NaN without /proc. */
  othersCpuShare: number;
  loaded: boolean;
  /** Why it counts as loaded (empty when it does not). */
  reasons: string[];
}

/** Load average before the run above this share of the cores means something else was running. */
export const LOAD_BEFORE_LIMIT = 0.5;
/** Other processes using more than this share of all cores during the run. */
export const OTHERS_CPU_LIMIT = 0.2;

/** Busy and total jiffies of all cores, from /proc/stat; undefined where it is missing. */
function readCpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Starts watching. `ownCpuMs()` must return the CPU time (ms) used so far by the bench process and the app processes
 * it measures; the watch takes the difference between start and stop.
 */
export function watchMachineLoad(ownCpuMs: () => number, options: { loadBefore?: number } = {}): { stop(): MachineLoad } {
  const cores = cpus().length;
  // The caller may pass the load average read before the whole run: by now the bench's own start-up phase counts in it.
  const loadBefore = options.loadBefore ?? loadavg()[0] ?? 0;
  const before = readCpuJiffies();
  const ownBefore = ownCpuMs();
  return {
    stop() {
      const after = readCpuJiffies();
      const ownMs = ownCpuMs() - ownBefore;
      const loadAfter = loadavg()[0] ?? 0;
      let othersCpuShare = Number.NaN;
      if (before && after && after.total > before.total) {
        // /proc/stat counts all cores; a jiffy is 1/USER_HZ s (100 on Linux), whatever the core count.
        const busyMs = (after.busy - before.busy) * 10;
        const allMs = (after.total - before.total) * 10;
        othersCpuShare = Math.max(0, busyMs - ownMs) / allMs;
      }
      const reasons: string[] = [];
      if (loadBefore > LOAD_BEFORE_LIMIT * cores) reasons.push(`load average ${loadBefore.toFixed(2)} before the run on ${cores} cores`);
      if (othersCpuShare > OTHERS_CPU_LIMIT) reasons.push(`other processes kept ${(othersCpuShare * 100).toFixed(0)}% of the cores busy during the run`);
      return { cores, loadBefore, loadAfter, othersCpuShare, loaded: reasons.length > 0, reasons };
    },
  };
}

export function describeMachineLoad(m: MachineLoad): string {
  const others = Number.isFinite(m.othersCpuShare) ? `, other processes ${(m.othersCpuShare * 100).toFixed(0)}% of the cores during the run` : '';
  const head = `machine: ${m.cores} cores, load average ${m.loadBefore.toFixed(2)} before, ${m.loadAfter.toFixed(2)} after${others}`;
  return m.loaded ? `${head}. LOADED MACHINE (${m.reasons.join('; ')}): latencies here are not trustworthy; run again on a quiet machine.` : `${head}: quiet enough.`;
}
