// jest globalSetup: fresh reliability figures, and the test Postgres server.
import reliabilitySetup from './reliability-setup.js';
import { startPostgres } from './postgres-setup.js';

export default async function setup() {
  reliabilitySetup();
  await startPostgres();
}
