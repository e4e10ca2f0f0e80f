// jest globalSetup, once per run before any test file:
// - builds dist/ when src/ changed since the last build (tests that run the real binary or `node dist/index.js`
//   must run the current code, and building once here keeps parallel test files from building at the same time);
// - starts the run with no reliability figures from an earlier one.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuild } from '../scripts/build.js';

export default function setup() {
  if (ensureBuild() !== 0) throw new Error('the build of dist/ failed (see above); tests run the compiled entry');
  rmSync(join(process.cwd(), 'test-results', 'reliability'), { recursive: true, force: true });
}
