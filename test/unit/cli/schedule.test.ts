import { execFile } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import type { CliIo } from '../../../src/cli.js';
import { runScheduleCommand } from '../../../src/cli/schedule.js';

const FROM = '2026-01-15T12:00:00Z';

function createIo(stdinLines: string[] | null, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        into.push(chunk.toString());
        done();
      },
    });
  const stdin = stdinLines === null ? Object.assign(Readable.from([]), { isTTY: true }) : Readable.from([stdinLines.join('\n')]);
  const io: CliIo = { stdin, stdout: sink(out), stderr: sink(err), env };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('routine-bot schedule', () => {
  it('prints exactly the contract keys for an understood phrase and exits 0', async () => {
    const { io, stdout } = createIo(null);
    const code = await runScheduleCommand(['every', 'weekday', 'at', '9am', '--json', '--from', FROM, '--tz', 'America/New_York'], io);
    expect(code).toBe(0);
    const [line] = jsonLines(stdout());
    expect(Object.keys(line ?? {})).toEqual(['input', 'ok', 'cron', 'timezone', 'description', 'nextRuns', 'warnings', 'assumed']);
    expect(line).toMatchObject({
      input: 'every weekday at 9am',
      ok: true,
      cron: '0 9 ? * MON-FRI *',
      timezone: 'America/New_York',
      nextRuns: ['2026-01-15T09:00:00.000-05:00', '2026-01-16T09:00:00.000-05:00', '2026-01-19T09:00:00.000-05:00'],
    });
  });

  it('prints the refusal with its code and alternative and exits 1', async () => {
    const { io, stdout } = createIo(null);
    expect(await runScheduleCommand(['every other week', '--json'], io)).toBe(1);
    const [line] = jsonLines(stdout());
    expect(Object.keys(line ?? {})).toEqual(['input', 'ok', 'error']);
    expect(line?.error).toMatchObject({ code: 'interval_not_expressible', alternative: expect.any(String) });
  });

  it('reads one phrase a line from stdin, skips blank lines, answers in order, exits 1 when any is refused', async () => {
    const { io, stdout } = createIo(['daily at 9am', '', 'every 90 minutes', 'hourly']);
    expect(await runScheduleCommand(['--json', `--from=${FROM}`], io)).toBe(1);
    const lines = jsonLines(stdout());
    expect(lines.map((l) => [l.input, l.ok])).toEqual([['daily at 9am', true], ['every 90 minutes', false], ['hourly', true]]);
  });

  it('exits 0 for stdin phrases that are all understood', async () => {
    const { io } = createIo(['daily at 9am', 'every monday']);
    expect(await runScheduleCommand(['--json'], io)).toBe(0);
  });

  it('honours --count, --min-interval and the environment defaults', async () => {
    const a = createIo(null, { DEFAULT_TIMEZONE: 'Europe/London', ROUTINE_MIN_INTERVAL_MINUTES: '5' });
    expect(await runScheduleCommand(['every 15 minutes', '--json', '--count', '5', '--from', FROM], a.io)).toBe(0);
    expect(jsonLines(a.stdout())[0]).toMatchObject({ cron: '0/15 * ? * * *', timezone: 'Europe/London' });
    expect((jsonLines(a.stdout())[0]?.nextRuns as string[]).length).toBe(5);
    const b = createIo(null, { ROUTINE_MIN_INTERVAL_MINUTES: '5' });
    expect(await runScheduleCommand(['every 15 minutes', '--json', '--min-interval', '60'], b.io)).toBe(1);
    expect(jsonLines(b.stdout())[0]?.error).toMatchObject({ code: 'too_frequent' });
  });

  it('answers people in words without --json', async () => {
    const ok = createIo(null);
    expect(await runScheduleCommand(['first monday of the month at 8:30', '--from', FROM], ok.io)).toBe(0);
    expect(ok.stdout()).toContain('cron:  30 8 ? * MON#1 *');
    expect(ok.stdout()).toContain('zone:  UTC');
    expect(ok.stdout()).toContain('Mon 2 Feb 2026 08:30');
    const refused = createIo(null);
    expect(await runScheduleCommand(['tomorrow at 3pm'], refused.io)).toBe(1);
    expect(refused.stdout()).toMatch(/one_off[\s\S]*Try: every day at 3pm/);
  });

  it.each([
    [['x', '--bogus']],
    [['x', '--tz', 'Mars/Base']],
    [['x', '--count', '0']],
    [['x', '--count', '51']],
    [['x', '--count', 'three']],
    [['x', '--from', 'yesterday']],
    [['x', '--min-interval', '-5']],
    [['x', '--tz']],
  ])('exits 2 on bad usage %j', async (args) => {
    const { io, stderr, stdout } = createIo(null);
    expect(await runScheduleCommand(args, io)).toBe(2);
    expect(stderr()).toContain('Usage: routine-bot schedule');
    expect(stdout()).toBe('');
  });

  it('exits 2 for a bad DEFAULT_TIMEZONE or ROUTINE_MIN_INTERVAL_MINUTES', async () => {
    expect(await runScheduleCommand(['daily'], createIo(null, { DEFAULT_TIMEZONE: 'Nowhere/Land' }).io)).toBe(2);
    expect(await runScheduleCommand(['daily'], createIo(null, { ROUTINE_MIN_INTERVAL_MINUTES: 'often' }).io)).toBe(2);
  });

  it('exits 2 with no phrase on an interactive terminal', async () => {
    expect(await runScheduleCommand([], createIo(null).io)).toBe(2);
  });

  it('runs through the real binary', async () => {
    const bin = fileURLToPath(new URL('../../../bin/routine-bot.js', import.meta.url));
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [bin, 'schedule', 'every weekday at 9am eastern', '--json', '--from', FROM], {
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, cron: '0 9 ? * MON-FRI *', timezone: 'America/New_York' });
    const refused = await run(process.execPath, [bin, 'schedule', 'every 90 minutes', '--json']).then(
      () => 0,
      (err: { code?: number }) => err.code,
    );
    expect(refused).toBe(1);
  });
});
