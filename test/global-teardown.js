// jest globalTeardown: stop the test Postgres server. (docs/reliability.md is written by `npm run report`, never here.)
import { stopPostgres } from './postgres-setup.js';

export default async function teardown() {
  await stopPostgres();
}
