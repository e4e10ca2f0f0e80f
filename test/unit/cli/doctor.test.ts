import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runDoctorCommand } from '../../../src/cli/doctor.js';
import { type FakeOmni, startFakeOmni } from '../../fakes/fake-omni.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/fake-slack.js';
import { createTestDatabase } from '../../helpers/postgres.js';

let slack: FakeSlack;
let omni: FakeOmni;
let dir: string;

beforeAll(async () => {
  slack = await startFakeSlack();
  omni = await startFakeOmni();
  omni.addModel('Sales');
  dir = mkdtempSync(join(tmpdir(), 'doctor-'));
});
afterAll(async () => {
  await Promise.all([slack.close(), omni.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(env: NodeJS.ProcessEnv) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await runDoctorCommand([], { stdin: new PassThrough(), stdout, stderr, env });
  return { code, out };
}

const goodEnv = () => ({
  SLACK_BOT_TOKEN: slack.token,
  SLACK_SIGNING_SECRET: 'doctor-signing-secret',
  SLACK_API_URL: slack.apiUrl,
  OMNI_BASE_URL: omni.url,
  OMNI_API_KEY: omni.apiKey,
  DATABASE_URL: `sqlite:${join(dir, 'bot.db')}`,
});

describe('routine-bot doctor', () => {
  it('passes every check on a correct setup, printing no secret', async () => {
    const { code, out } = await doctor(goodEnv());
    expect(out).toContain('✓ Slack auth.test');
    expect(out).toContain('✓ Omni whoami: organization key');
    expect(out).toContain('✓ Omni SCIM user lookup');
    expect(out).toContain('✓ Omni shared models: 1 shared model');
    expect(out).toMatch(/✓ Database: sqlite .*bot\.db, migrations 0001.*, write and read ok/);
    expect(out).toContain("✓ Omni budget: this process's own, 60 a minute");
    expect(out).toContain('✓ Omni AI routines: enabled for the organization');
    expect(out).toContain("✓ Omni instance's API: update PUT (name, prompt, schedule, description, modelId); pause yes (PUT isActive); destinations email, slack; from the instance's own spec");
    expect(out).toContain('All checks passed.');
    expect(code).toBe(0);
    expect(out).not.toContain(omni.apiKey);
    expect(out).not.toContain(slack.token);
  });

  it('checks Postgres and the budget shared with other replicas, never printing the database password', async () => {
    const database = await createTestDatabase();
    try {
      const url = new URL(database.url);
      const { code, out } = await doctor({ ...goodEnv(), DATABASE_URL: database.url, OMNI_REPLICAS: '3' });
      expect(out).toMatch(/✓ Database: postgres postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+, migrations 0001.*, write and read ok/);
      expect(out).toContain('✓ Omni budget: shared by every replica: 5 per 6 s (at most 55 in any minute of 60), 3 replicas planned');
      expect(code).toBe(0);
      expect(url.password.length).toBeGreaterThan(0);
      expect(out).not.toContain(url.password);
    } finally {
      await database.drop();
    }
  });

  it('fails the database and budget checks when Postgres cannot be reached', async () => {
    const { code, out } = await doctor({ ...goodEnv(), DATABASE_URL: 'postgres://bot:hunter2-pw@127.0.0.1:1/bot' });
    expect(code).toBe(1);
    expect(out).toMatch(/✗ Database: cannot use postgres:\/\/bot@127\.0\.0\.1:1\/bot: Could not reach the database/);
    expect(out).toMatch(/✗ Omni budget: the shared budget could not start/);
    expect(out).not.toContain('hunter2-pw');
  });

  it('checks OMNI_DEFAULT_MODEL against the shared models, by name or id', async () => {
    const byName = await doctor({ ...goodEnv(), OMNI_DEFAULT_MODEL: 'sales' });
    expect(byName.out).toMatch(/✓ OMNI_DEFAULT_MODEL: preselects Sales \(/);
    expect(byName.code).toBe(0);
    const unknown = await doctor({ ...goodEnv(), OMNI_DEFAULT_MODEL: 'Finance' });
    expect(unknown.out).toContain('✗ OMNI_DEFAULT_MODEL: no shared model has the id or name "Finance"');
    expect(unknown.out).toContain('Set it to one of: Sales');
    expect(unknown.code).toBe(1);
  });

  it('names every missing variable and exits 1', async () => {
    const { code, out } = await doctor({});
    expect(code).toBe(1);
    for (const v of ['SLACK_BOT_TOKEN', 'OMNI_BASE_URL', 'OMNI_API_KEY', 'SLACK_SIGNING_SECRET']) expect(out).toContain(v);
  });

  it('says when the key is a personal token, and when Slack refuses the bot token', async () => {
    omni.setKeyScope('user');
    try {
      const { code, out } = await doctor({ ...goodEnv(), SLACK_BOT_TOKEN: 'xoxb-wrong-token-123' });
      expect(code).toBe(1);
      expect(out).toContain('✗ Slack auth.test: Slack said invalid_auth');
      expect(out).toContain('✗ Omni whoami: the key is a personal token');
      expect(out).toContain('fix: Use an Organization API key');
      expect(out).not.toContain('xoxb-wrong-token-123');
    } finally {
      omni.setKeyScope('organization');
    }
  });

  it('says the key was refused when it is wrong', async () => {
    const { code, out } = await doctor({ ...goodEnv(), OMNI_API_KEY: 'omni_osk_notthekey0000000000' });
    expect(code).toBe(1);
    expect(out).toMatch(/✗ Omni whoami: Omni refused the key/);
    expect(out).not.toContain('omni_osk_notthekey0000000000');
  });

  it('says when AI routines are off for the organization', async () => {
    omni.setAiRoutinesEnabled(false);
    try {
      const { code, out } = await doctor(goodEnv());
      expect(code).toBe(1);
      expect(out).toContain('✗ Omni AI routines: AI routines are not enabled for the organization (Omni answered 403)');
    } finally {
      omni.setAiRoutinesEnabled(true);
    }
  });

  it("reports what each variant of the instance's spec says, and when it cannot be read", async () => {
    const variants: Array<[Parameters<typeof startFakeOmni>[0], RegExp]> = [
      [{ updateApi: 'patch' }, /✓ Omni instance's API: update PATCH \(name, prompt, schedule, timezone, description, destination\); pause no; destinations email, slack; from the instance's own spec\. Pause and Resume buttons are hidden/],
      [{ slackDestinations: false }, /✓ Omni instance's API: update PUT .*; pause yes \(PUT isActive\); destinations email;/],
      [{ spec: 'missing' }, /✗ Omni instance's API: update PUT .*from Omni's public docs .*could not be read \(Omni answered 404 to GET \/openapi\.json: Not found\)/],
      [{ spec: 'garbage' }, /✗ Omni instance's API: .*could not be read \(Omni answered GET \/openapi\.json with an unexpected shape/],
    ];
    for (const [options, expected] of variants) {
      const variant = await startFakeOmni({ ...options, apiKey: omni.apiKey });
      variant.addModel('Sales');
      try {
        const { out } = await doctor({ ...goodEnv(), OMNI_BASE_URL: variant.url });
        expect(out).toMatch(expected);
        expect(out).not.toContain(omni.apiKey);
      } finally {
        await variant.close();
      }
    }
  });
});
