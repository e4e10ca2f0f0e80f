/**
 * An app under test in its own process (so the load driver and the fakes do not share its CPU): spawn it with
 * `node <entry>` (compiled JavaScript, as in production) or `node --import tsx <entry>` (a .ts entry), time spawn → its "running" log line (then /healthz must answer 200), read its RSS,
 * stop it with SIGTERM. Its stderr/stdout are drained (a full pipe would stall it) and kept for diagnosis.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ChildApp {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:PORT/slack/events */
  readonly eventsUrl: string;
  /** Milliseconds from spawn to the "running" line. */
  readonly startupMs: number;
  /** Resident set size now, in bytes. */
  readRss(): number;
  /** CPU time used so far, in ms (NaN where /proc is missing). */
  readCpuMs(): number;
  /** Output lines seen so far (the last few hundred). */
  readonly output: readonly string[];
  stop(): Promise<void>;
}

export interface SpawnAppOptions {
  name: string;
  /** Absolute path of the entry: compiled JavaScript (.js/.mjs) runs as is, a .ts entry through tsx's loader. */
  entry: string;
  env: Record<string, string>;
  cwd: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** The log line that says the app serves requests. */
  readyPattern: RegExp;
  timeoutMs?: number;
}

const TSX_LOADER = import.meta.resolve('tsx');

/** RSS of another process: /proc on Linux, `ps` elsewhere. */
export function readProcessRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall through to ps
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

let clockTicks: number | undefined;

/** CPU time (user + system) a process has used, in ms, from /proc on Linux; NaN elsewhere. */
export function readProcessCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    if (clockTicks === undefined) {
      try {
        clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
      } catch {
        clockTicks = 100;
      }
    }
    // After the ")" of the command name: state is field 0, utime field 11, stime field 12 (proc(5)).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

export async function spawnApp(options: SpawnAppOptions): Promise<ChildApp> {
  const output: string[] = [];
  const started = performance.now();
  const loader = options.entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), ...loader, options.entry], {
    cwd: options.cwd,
    // Only what the app is given: no inherited .env-style surprises from the caller's environment.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = new Promise<{ port: number; at: number }>((resolve, reject) => {
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (output.length > 300) output.shift();
        if (options.readyPattern.test(line)) {
          const at = performance.now();
          let port = Number.NaN;
          try {
            port = Number((JSON.parse(line) as { port?: unknown }).port);
          } catch {
            // not JSON: fall through to the error below
          }
          if (Number.isInteger(port) && port > 0) resolve({ port, at });
          else reject(new Error(`${options.name}: ready line without a port: ${line}`));
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`${options.name} exited (${code}) before it was ready:\n${output.slice(-20).join('\n')}`)));
    setTimeout(() => reject(new Error(`${options.name}: not ready within ${options.timeoutMs ?? 30_000} ms:\n${output.slice(-20).join('\n')}`)), options.timeoutMs ?? 30_000).unref();
  });

  let port: number;
  let at: number;
  try {
    ({ port, at } = await ready);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  if (health.status !== 200) throw new Error(`${options.name}: /healthz answered ${health.status} after the ready line`);
  const pid = child.pid ?? -1;

  return {
    name: options.name,
    pid,
    port,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    startupMs: at - started,
    readRss: () => readProcessRss(pid),
    readCpuMs: () => readProcessCpuMs(pid),
    output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
