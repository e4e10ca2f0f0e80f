/** `npm run bench`: every benchmark, in order. Add new ones to the list. */
import { runScheduleBench } from './schedule.js';

const BENCHES: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [{ name: 'schedule', run: () => runScheduleBench() }];

for (const bench of BENCHES) {
  console.log(`== ${bench.name}`);
  await bench.run();
}
