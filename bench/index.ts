/**
 * `npm run bench`: every benchmark, in order. Add new ones to the list.
 * Flags (each sets the environment variable of the same meaning): `--quick` (BENCH_QUICK=1: a one-minute smoke run,
 * never written to docs/performance.md), `--rounds N` (BENCH_ROUNDS: paired burst rounds, default 20).
 */
import { parseArgs } from 'node:util';
import { runAppBench } from './lib/app-bench.js';
import { type ScheduleBenchResult, runScheduleBench } from './schedule.js';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, rounds: { type: 'string' } } });
if (flags.quick) process.env.BENCH_QUICK = '1';
if (flags.rounds !== undefined) process.env.BENCH_ROUNDS = flags.rounds;

const results = new Map<string, unknown>();
const BENCHES: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [
  { name: 'schedule', run: () => runScheduleBench() },
  // Last: its closing table includes the schedule figures above.
  { name: 'slack app vs bare Bolt', run: () => runAppBench({ schedule: results.get('schedule') as ScheduleBenchResult | undefined }) },
];

for (const bench of BENCHES) {
  console.log(`== ${bench.name}`);
  results.set(bench.name, await bench.run());
}
