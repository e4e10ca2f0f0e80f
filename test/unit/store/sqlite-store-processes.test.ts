/**
 * The store as separate processes see it: a process killed with SIGKILL right after its writes resolved loses
 * none of them, and two processes sharing one file (WAL, busy_timeout) neither fail nor lose writes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openStore } from '../../../src/store/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STORE_MODULE = pathToFileURL(path.join(REPO_ROOT, 'src/store/index.ts')).href;

interface Child {
  /** Resolves with the first line the child prints. */
  firstLine: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs ESM `code` in a fresh node with tsx, with STORE_MODULE and DATABASE_URL in its environment. */
function spawnStoreProcess(code: string, databaseUrl: string): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, STORE_MODULE };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (c, signal) => resolve({ code: c, signal, stderr }));
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(stdout.slice(0, nl));
    });
    void exit.then(({ code: c, signal }) => reject(new Error(`child exited (${c ?? signal}) before printing: ${stderr}`)));
  });
  return { firstLine, exit, kill: (signal) => child.kill(signal) };
}

describe('store across processes', () => {
  let dir: string;
  let databaseUrl: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-proc-'));
    databaseUrl = `sqlite:${path.join(dir, 'data', 'bot.db')}`;
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a draft and an audit entry written just before the process is killed with SIGKILL', async () => {
    const child = spawnStoreProcess(
      `
      const { openStore } = await import(process.env.STORE_MODULE);
      const store = await openStore(process.env.DATABASE_URL, { clock: () => new Date('2026-03-01T10:00:00Z') });
      const id = await store.saveDraft({ slackUserId: 'U1', form: { name: 'Churn digest' }, status: 'pending' });
      await store.appendAudit({ slackUserId: 'U1', action: 'create', request: { name: 'Churn digest' }, outcome: 'error',
        omniStatus: 502, at: new Date('2026-03-01T10:00:00Z') });
      process.stdout.write(JSON.stringify({ id }) + '\\n');
      setInterval(() => {}, 60_000); // never closes the store: the kill is the only way out
      `,
      databaseUrl,
    );
    const { id } = JSON.parse(await child.firstLine) as { id: string };
    child.kill('SIGKILL');
    expect((await child.exit).signal).toBe('SIGKILL');

    const store = await openStore(databaseUrl, { clock: () => new Date('2026-03-01T11:00:00Z') });
    try {
      expect(await store.getDraft(id)).toMatchObject({ slackUserId: 'U1', form: { name: 'Churn digest' }, status: 'pending' });
      expect(await store.listAudit({ slackUserId: 'U1', limit: 5 })).toEqual([
        expect.objectContaining({ action: 'create', outcome: 'error', omniStatus: 502, request: { name: 'Churn digest' } }),
      ]);
    } finally {
      await store.close();
    }
  });

  it('lets two processes migrate, claim and write the same file at once without errors or lost writes', async () => {
    const code = `
      const { openStore } = await import(process.env.STORE_MODULE);
      const store = await openStore(process.env.DATABASE_URL, { clock: () => new Date() });
      const claim = await store.beginIdempotent('view-1', { ttlMs: 600000 });
      for (let i = 0; i < 200; i++) {
        await store.appendAudit({ slackUserId: process.argv[1] ?? 'x', action: 'run', request: { i }, outcome: 'ok', at: new Date() });
      }
      await store.close();
      process.stdout.write(JSON.stringify({ claim: claim.state }) + '\\n');
    `;
    const children = [spawnStoreProcess(code, databaseUrl), spawnStoreProcess(code, databaseUrl)];
    const exits = await Promise.all(children.map((c) => c.exit));
    expect(exits.map((e) => [e.code, e.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    const claims = (await Promise.all(children.map((c) => c.firstLine))).map((l) => (JSON.parse(l) as { claim: string }).claim);
    expect(claims.sort()).toEqual(['in_progress', 'new']);

    const store = await openStore(databaseUrl, { clock: () => new Date() });
    try {
      expect(await store.listAudit({ limit: 1000 })).toHaveLength(400);
    } finally {
      await store.close();
    }
  });
});
