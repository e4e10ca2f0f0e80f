/**
 * `npm run bench:startup`: start-up and idle RSS only (the first phase of `npm run bench`): the compiled bot, bare
 * Bolt and the bot through tsx, BENCH_STARTS starts each (default 7). Prints; writes nothing.
 */
import { startBenchEnv } from './lib/bench-env.js';
import { readMachine } from './lib/report.js';
import { IDLE_MS, runProcessFigures } from './process-figures.js';

const starts = Number(process.env.BENCH_STARTS ?? 7);
if (!Number.isInteger(starts) || starts < 1 || starts > 50) throw new Error(`BENCH_STARTS must be a whole number from 1 to 50, got "${process.env.BENCH_STARTS}"`);
const env = await startBenchEnv({ poolSize: 10 });
const before = readMachine();
try {
  const { apps } = await runProcessFigures(env, { starts, idleMs: IDLE_MS, print: (line) => console.log(line) });
  await Promise.all([apps.ours.stop(), apps.bare.stop()]);
} finally {
  await env.close();
}
console.log(`load average before ${before.load.join(' / ')}, after ${readMachine().load.join(' / ')} (${before.cores} cores)`);
