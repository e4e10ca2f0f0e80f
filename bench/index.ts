/**
 * `npm run bench`: every benchmark, in order. Add new ones to the list.
 * Flags (each sets the environment variable of the same meaning): `--quick` (BENCH_QUICK=1: a one-minute smoke run,
 * never written to docs/performance.md), `--rounds N` (BENCH_ROUNDS: paired burst rounds, default 20),
 * `--only <name>` (one benchmark: schedule, replicas or app; a partial run never writes docs/performance.md).
 */
import { parseArgs } from 'node:util';
import { runAppBench } from './lib/app-bench.js';
import { type ReplicasFigures, runReplicasBench } from './replicas.js';
import { type ScheduleBenchResult, runScheduleBench } from './schedule.js';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, rounds: { type: 'string' }, only: { type: 'string' } } });
if (flags.quick) process.env.BENCH_QUICK = '1';
if (flags.only !== undefined) process.env.BENCH_WRITE_DOC = '0';
if (flags.rounds !== undefined) process.env.BENCH_ROUNDS = flags.rounds;

const results = new Map<string, unknown>();
const BENCHES: ReadonlyArray<{ name: string; short: string; run: () => Promise<unknown> }> = [
  { name: 'schedule', short: 'schedule', run: () => runScheduleBench() },
  { name: 'replicas on Postgres vs one', short: 'replicas', run: () => runReplicasBench({ creates: Number(process.env.BENCH_REPLICA_CREATES ?? 60) }) },
  // Last: its closing table includes the figures above.
  {
    name: 'slack app vs bare Bolt',
    short: 'app',
    run: () =>
      runAppBench({
        schedule: results.get('schedule') as ScheduleBenchResult | undefined,
        replicas: results.get('replicas on Postgres vs one') as ReplicasFigures | undefined,
      }),
  },
];

if (flags.only !== undefined && !BENCHES.some((b) => b.short === flags.only)) {
  console.error(`--only takes one of: ${BENCHES.map((b) => b.short).join(', ')}`);
  process.exit(2);
}
for (const bench of BENCHES.filter((b) => flags.only === undefined || b.short === flags.only)) {
  console.log(`== ${bench.name}`);
  results.set(bench.name, await bench.run());
}
