// jest globalSetup: start each run with no figures from an earlier one.
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export default function setup() {
  rmSync(join(process.cwd(), 'test-results', 'reliability'), { recursive: true, force: true });
}
