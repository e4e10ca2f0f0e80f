/**
 * `npm run bench:cpu -- <dir> [--commands N]`: where an app's CPU went, from the V8 CPU profiles that
 * `BENCH_CPU_PROF=1 npm run bench` writes (one .cpuprofile per process). Self time is summed per part (Bolt, web-api,
 * axios, Node's HTTP and streams, crypto, JSON, GC, the bot's own modules by folder, …) and printed as milliseconds
 * per command when N (the commands the profiled phases sent) is given, else as shares of the busy time.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

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

export function breakdown(profile: CpuProfile): Map<string, number> {
  const partById = new Map(profile.nodes.map((n) => [n.id, partOf(n.callFrame)]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = partById.get(id) ?? 'other';
    totals.set(part, (totals.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
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
    totals.delete('idle');
    const busy = [...totals.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${file}: busy ${busy.toFixed(0)} ms${commands ? ` = ${(busy / commands).toFixed(3)} ms per command` : ''}`);
    for (const [part, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${part.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / busy).toFixed(1).padStart(5)}%${commands ? `  ${(ms / commands).toFixed(3)} ms/cmd` : ''}`);
    }
  }
}
