// jest globalTeardown: the reliability report, then stop the test Postgres server.
import reliabilityReport from './reliability-report.js';
import { stopPostgres } from './postgres-setup.js';

export default async function teardown(globalConfig, projectConfig) {
  try {
    await reliabilityReport(globalConfig, projectConfig);
  } finally {
    await stopPostgres();
  }
}
