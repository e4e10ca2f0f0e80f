// Every test runs with TZ pinned (see the `test` script); refuse to run otherwise, so no test can
// pass by accident on a developer's local zone.
if (process.env.TZ !== 'UTC') {
  throw new Error(`Tests must run with TZ=UTC (got ${process.env.TZ ?? 'unset'}); use npm test.`);
}
