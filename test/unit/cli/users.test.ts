import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { CliIo } from '../../../src/cli.js';
import { runUsersCommand } from '../../../src/cli/users.js';
import { openStore } from '../../../src/store/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const M1 = '0b6f3a52-1c1e-4b7a-9a55-2f1f0c0e4a11';
const M2 = '7d1c9a4e-5b2f-4c3d-8e6f-9a0b1c2d3e4f';

function createCapture(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

describe('routine-bot users', () => {
  let dir: string;
  let databaseUrl: string;
  let stdout: ReturnType<typeof createCapture>;
  let stderr: ReturnType<typeof createCapture>;

  const run = async (...args: string[]) => {
    stdout = createCapture();
    stderr = createCapture();
    const io: CliIo = { stdin: new PassThrough(), stdout, stderr, env: { DATABASE_URL: databaseUrl, USER: 'ops' } };
    return runUsersCommand(args, io);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routine-bot-cli-'));
    databaseUrl = `sqlite:${path.join(dir, 'data', 'bot.db')}`;
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('links, lists and unlinks an override', async () => {
    expect(await run('link', 'U0123ABCD', M1.toUpperCase())).toBe(0);
    expect(stdout.text()).toContain(`Linked U0123ABCD to Omni membership ${M1}`);

    expect(await run('list')).toBe(0);
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SLACK USER\s+OMNI MEMBERSHIP ID\s+LINKED AT\s+LINKED BY$/);
    expect(lines[2]).toMatch(new RegExp(`^U0123ABCD\\s+${M1}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ\\s+ops$`));

    expect(await run('unlink', 'U0123ABCD')).toBe(0);
    expect(await run('list')).toBe(0);
    expect(stdout.text()).toMatch(/^No overrides/);
  });

  it('writes the override where the bot reads it, with who linked it', async () => {
    expect(await run('link', 'W42XYZ', M2, '--by', 'alice admin')).toBe(0);
    const store = await openStore(databaseUrl, { clock: () => new Date() });
    try {
      expect(await store.getIdentity('W42XYZ')).toMatchObject({ source: 'override', membershipId: M2, linkedBy: 'alice admin' });
    } finally {
      await store.close();
    }
  });

  it('notes when another Slack user is linked to the same membership', async () => {
    await run('link', 'U1AAA', M1);
    expect(await run('link', 'U2BBB', M1)).toBe(0);
    expect(stdout.text()).toContain('Note: U1AAA is linked to the same membership too.');
  });

  it('shows cached SCIM identities with --all', async () => {
    const store = await openStore(databaseUrl, { clock: () => new Date('2026-03-01T10:00:00Z') });
    await store.saveIdentity({ slackUserId: 'U9CACHE', email: 'c@acme.com', membershipId: M2, source: 'scim', resolvedAt: new Date('2026-03-01T10:00:00Z') });
    await store.close();
    await run('link', 'U1AAA', M1);

    expect(await run('list')).toBe(0);
    expect(stdout.text()).not.toContain('U9CACHE');
    expect(await run('list', '--all')).toBe(0);
    const text = stdout.text();
    expect(text).toMatch(/SOURCE\s+EMAIL/);
    expect(text).toMatch(new RegExp(`U1AAA\\s+${M1}\\s+override`));
    expect(text).toMatch(new RegExp(`U9CACHE\\s+${M2}\\s+scim cache\\s+c@acme.com\\s+2026-03-01 10:00Z`));
  });

  it('fails with 1 when unlinking a user without an override', async () => {
    expect(await run('unlink', 'U404')).toBe(1);
    expect(stderr.text()).toContain('U404 has no override');
  });

  it.each([
    [['link', 'u0123abcd', M1], /did you mean U0123ABCD/],
    [['link', 'C0123ABCD', M1], /not a Slack user id/],
    [['link', 'U0123ABCD', 'not-a-uuid'], /not an Omni membership id/],
    [['link', 'U0123ABCD'], /takes a Slack user id and an Omni membership id/],
    [['unlink'], /takes one Slack user id/],
    [['list', '--json'], /Unknown option "--json"/],
    [['frobnicate'], /Unknown users command "frobnicate"/],
    [[], /Usage:/],
  ])('exits 2 on bad usage %j, before touching the database', async (args, message) => {
    expect(await run(...args)).toBe(2);
    expect(stderr.text()).toMatch(message);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('exits 1 with a plain message for an unsupported DATABASE_URL, without echoing it', async () => {
    databaseUrl = 'mysql://bot:hunter2@db/bot';
    expect(await run('list')).toBe(1);
    expect(stderr.text()).toContain('DATABASE_URL must be sqlite:');
    expect(stderr.text()).not.toContain('hunter2');
  });

  it('exits 1 with a plain message when Postgres cannot be reached, without echoing the password', async () => {
    databaseUrl = 'postgres://bot:hunter2@127.0.0.1:1/bot';
    expect(await run('list')).toBe(1);
    expect(stderr.text()).toMatch(/Could not reach the database \(.*ECONNREFUSED/);
    expect(stderr.text()).not.toContain('hunter2');
  });

  it('runs through the real binary with only DATABASE_URL set (no Slack or Omni variables)', async () => {
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, USER: 'ops' };
    const exec = promisify(execFile);
    const bin = path.join(REPO_ROOT, 'bin/routine-bot.js');
    await exec(process.execPath, [bin, 'users', 'link', 'U0123ABCD', M1], { cwd: REPO_ROOT, env });
    const { stdout: out, stderr: err } = await exec(process.execPath, [bin, 'users', 'list'], { cwd: REPO_ROOT, env });
    expect(err).toBe('');
    expect(out).toMatch(new RegExp(`U0123ABCD\\s+${M1}`));
    await expect(exec(process.execPath, [bin, 'users', 'unlink', 'U999'], { cwd: REPO_ROOT, env })).rejects.toMatchObject({ code: 1 });
  }, 60_000); // three starts of the real binary on a shared machine
});
