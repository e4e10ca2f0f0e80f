/**
 * `npm run bench`: every benchmark, in order. Add new ones to the list.
 * Flags (each sets the environment variable of the same meaning): `--quick` (BENCH_QUICK=1: a one-minute smoke run,
 * never written to docs/performance.md), `--rounds N` (BENCH_ROUNDS: paired burst rounds, default 20).
 */
import { parseArgs } from 'node:util';
import { runAppBench } from './lib/app-bench.js';
import { type ReplicasFigures, runReplicasBench } from './replicas.js';
import { type ScheduleBenchResult, runScheduleBench } from './schedule.js';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, rounds: { type: 'string' } } });
if (flags.quick) process.env.BENCH_QUICK = '1';
if (flags.rounds !== undefined) process.env.BENCH_ROUNDS = flags.rounds;

const results = new Map<string, unknown>();
const BENCHES: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [
  { name: 'schedule', run: () => runScheduleBench() },
  { name: 'replicas on Postgres vs one', run: () => runReplicasBench({ creates: Number(process.env.BENCH_REPLICA_CREATES ?? 60) }) },
  // Last: its closing table includes the figures above.
  {
    name: 'slack app vs bare Bolt',
    run: () =>
      runAppBench({
        schedule: results.get('schedule') as ScheduleBenchResult | undefined,
        replicas: results.get('replicas on Postgres vs one') as ReplicasFigures | undefined,
      }),
  },
];

for (const bench of BENCHES) {
  console.log(`== ${bench.name}`);
  results.set(bench.name, await bench.run());
}
