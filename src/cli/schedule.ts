/**
 * `routine-bot schedule "<phrase>" [--tz ZONE] [--from ISO] [--count N] [--min-interval MIN] [--json]`
 * (README, Admin commands; the --json shape in docs/schedules.md §1). With no phrase, one phrase a line from stdin,
 * one result a line, in order.
 * Exit 0 when every phrase was understood, 1 when any was refused, 2 on bad usage.
 */
import { createInterface } from 'node:readline';
import { DateTime, IANAZone } from 'luxon';
import type { CliIo } from '../cli.js';
import { UsageError, readArgs } from './args.js';
import { interpretSchedule } from '../schedule/interpret.js';
import type { InterpretOptions, ScheduleResult } from '../schedule/types.js';

const USAGE = `Usage: routine-bot schedule "<phrase>" [--tz ZONE] [--from ISO] [--count N] [--min-interval MIN] [--json]
       routine-bot schedule [options] < phrases.txt     (one phrase a line)

  --tz ZONE           IANA zone when the phrase names none (default: DEFAULT_TIMEZONE, else UTC)
  --from ISO          count next runs from this instant (default: now)
  --count N           how many next runs to show, 1-50 (default 3)
  --min-interval MIN  refuse schedules that run more often than this, in minutes
                      (default: ROUTINE_MIN_INTERVAL_MINUTES, else 60)
  --json              one JSON object a line
`;

interface ScheduleArgs {
  phrase: string | null;
  json: boolean;
  options: InterpretOptions;
}

function readInteger(text: string, what: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${what} must be a whole number from ${min} to ${max} (got "${text}").`);
  return n;
}

function readZone(text: string, what: string): string {
  if (!IANAZone.isValidZone(text)) throw new UsageError(`${what} "${text}" is not an IANA time zone (for example Europe/London).`);
  return text;
}

const SCHEDULE_OPTIONS = {
  tz: { type: 'string' },
  from: { type: 'string' },
  count: { type: 'string' },
  'min-interval': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The arguments after `schedule`, or 'help' for --help / -h (before the environment is read); throws UsageError. */
function readScheduleArgs(args: string[], env: NodeJS.ProcessEnv): ScheduleArgs | 'help' {
  const { values, positionals: words } = readArgs(args, SCHEDULE_OPTIONS);
  if (values.help === true) return 'help';
  const { tz, from, count, 'min-interval': minInterval } = values;
  const json = values.json === true;
  const timezone = tz !== undefined ? readZone(tz, '--tz') : env.DEFAULT_TIMEZONE ? readZone(env.DEFAULT_TIMEZONE, 'DEFAULT_TIMEZONE') : 'UTC';
  let start = new Date();
  if (from !== undefined) {
    const parsed = DateTime.fromISO(from, { setZone: true });
    if (!parsed.isValid) throw new UsageError(`--from "${from}" is not an ISO date-time (for example 2026-03-01T09:00:00Z).`);
    start = parsed.toJSDate();
  }
  const minIntervalMinutes = minInterval !== undefined
    ? readInteger(minInterval, '--min-interval', 1, 525600)
    : env.ROUTINE_MIN_INTERVAL_MINUTES
      ? readInteger(env.ROUTINE_MIN_INTERVAL_MINUTES, 'ROUTINE_MIN_INTERVAL_MINUTES', 1, 525600)
      : 60;
  return {
    phrase: words.length > 0 ? words.join(' ') : null,
    json,
    options: { timezone, now: start, count: count !== undefined ? readInteger(count, '--count', 1, 50) : 3, minIntervalMinutes },
  };
}

/** The JSON line of the contract: exactly these keys, in this order. */
export function formatScheduleJson(result: ScheduleResult): string {
  if (result.ok) {
    const { input, cron, timezone, description, nextRuns, warnings, assumed } = result;
    return JSON.stringify({ input, ok: true, cron, timezone, description, nextRuns, warnings, assumed });
  }
  return JSON.stringify({ input: result.input, ok: false, error: result.error });
}

/** A short answer for people. */
export function formatScheduleText(result: ScheduleResult): string {
  if (!result.ok) {
    return [
      `Can't schedule "${result.input}" (${result.error.code})`,
      `  ${result.error.message}`,
      `  Try: ${result.error.alternative}`,
    ].join('\n');
  }
  const lines = [
    result.description,
    `  cron:  ${result.cron}`,
    `  zone:  ${result.timezone}`,
    `  next:  ${result.nextRuns.map((iso) => DateTime.fromISO(iso, { setZone: true }).toFormat('ccc d LLL yyyy HH:mm ZZZZ')).join('\n         ')}`,
  ];
  for (const warning of result.warnings) lines.push(`  note:  ${warning}`);
  for (const assumption of result.assumed) lines.push(`  assumed: ${assumption}`);
  return lines.join('\n');
}

export async function runScheduleCommand(args: string[], io: CliIo): Promise<number> {
  let parsed: ScheduleArgs | 'help';
  try {
    parsed = readScheduleArgs(args, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  const { phrase, json, options } = parsed;
  let refused = false;
  let first = true;
  const answer = (line: string) => {
    const result = interpretSchedule(line, options);
    if (!result.ok) refused = true;
    if (json) io.stdout.write(`${formatScheduleJson(result)}\n`);
    else {
      io.stdout.write(`${first ? '' : '\n'}${formatScheduleText(result)}\n`);
      first = false;
    }
  };
  if (phrase !== null) {
    answer(phrase);
    return refused ? 1 : 0;
  }
  if (io.stdin.isTTY) {
    io.stderr.write(`No phrase given: pass one, or pipe phrases in, one a line.\n\n${USAGE}`);
    return 2;
  }
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    answer(line.trim());
  }
  return refused ? 1 : 0;
}
