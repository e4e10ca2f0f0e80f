/** `npm run bench`: every benchmark, in order. Add new ones to the list. */
import { runAppBench } from './lib/app-bench.js';
import { type ScheduleBenchResult, runScheduleBench } from './schedule.js';

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
