/**
 * The engine's front door: phrase → canonical Omni cron + zone + description + next runs + warnings, or a refusal
 * with a code from the closed set (docs/schedules.md §5). Pure apart from the options it is given: the clock
 * comes in as `now`, the zone as `timezone`.
 */
import { formatOmniCron, readOmniCron } from './cron.js';
import { describeCron } from './describe.js';
import { emitOmniCron } from './emit.js';
import type { ScheduleIr } from './ir.js';
import { computeNextRuns, shortestIntervalMinutes } from './next-runs.js';
import { parseSchedulePhrase } from './phrase/index.js';
import { buildInvalidDateTimeRefusal, buildTooFrequentRefusal, renderPhrase, FALLBACK_SUGGESTION } from './refusals.js';
import { readTypedCron } from './typed-cron.js';
import type { InterpretOptions, OmniCron, ScheduleRefusal, ScheduleResult } from './types.js';
import { buildScheduleWarnings } from './warnings.js';
import type { DateTime } from 'luxon';
import { RoutineBotError } from '../errors.js';

export const DEFAULT_RUN_COUNT = 3;
export const DEFAULT_MIN_INTERVAL_MINUTES = 60;

/** A cron we built failed our own strict reader: a defect in the engine, never the user's fault. */
export class ScheduleEngineError extends RoutineBotError {
  readonly code = 'routine_bot_schedule_engine';
}

export type ScheduleSuccess = Extract<ScheduleResult, { ok: true }>;
export type ScheduleFailure = Extract<ScheduleResult, { ok: false }>;

function refuse(input: string, refusal: ScheduleRefusal): ScheduleFailure {
  return { input, ok: false, error: { code: refusal.code, message: refusal.message, alternative: refusal.alternative } };
}

const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];

/** How many runs a day the time fields give, without walking a calendar. */
function runsPerDay(cron: OmniCron): number {
  const count = (f: OmniCron['minute'], size: number) => (f.kind === 'list' ? f.values.length : size);
  return count(cron.minute, 60) * count(cron.hour, 24);
}

function buildTooFrequentAlternative(ir: ScheduleIr | undefined, minInterval: number): string {
  const minutes = MINUTE_STEPS.find((m) => m >= minInterval);
  if (minutes !== undefined && (!ir || ir.step || ir.times.length <= 1)) {
    const step = { ...(ir?.step ?? { unit: 'minute' as const }), unit: 'minute' as const, every: minutes };
    return ir ? renderPhrase({ ...ir, times: [], step }) : `every ${minutes} minutes`;
  }
  const hours = HOUR_STEPS.find((h) => h * 60 >= minInterval) ?? 24;
  if (!ir) return hours === 24 ? FALLBACK_SUGGESTION : hours === 1 ? 'every hour' : `every ${hours} hours`;
  if (ir.step || ir.times.length <= 1 || hours === 24) {
    if (hours === 24) return renderPhrase({ ...ir, step: undefined, times: [ir.step?.window?.from ?? ir.step?.anchor ?? { hour: 9, minute: 0 }] } as ScheduleIr);
    return renderPhrase({ ...ir, times: [], step: { ...(ir.step ?? { unit: 'hour' }), unit: 'hour', every: hours } });
  }
  return renderPhrase({ ...ir, times: [ir.times[0] as { hour: number; minute: number }] });
}

/** A schedule resolved down to its cron and next runs, before it is put into words. */
export type ResolvedSchedule =
  | { ok: true; cron: OmniCron; text: string; zone: string; runs: DateTime[]; assumed: string[] }
  | { ok: false; failure: ScheduleFailure };

/** Everything after the cron exists: strict validation, minimum interval, next runs. */
function resolveCron(input: string, built: OmniCron, zone: string, options: InterpretOptions, ir?: ScheduleIr): ResolvedSchedule {
  const text = formatOmniCron(built);
  const read = readOmniCron(text, { strict: true });
  if (!read.ok) throw new ScheduleEngineError(`The engine wrote a cron its own reader refuses: ${text} (${read.error})`);
  const cron = read.cron;
  const minInterval = options.minIntervalMinutes ?? DEFAULT_MIN_INTERVAL_MINUTES;
  // At most one run a day is never closer than a day; skip the calendar walk then.
  const obviouslySpaced = runsPerDay(cron) === 1 && minInterval <= 1440;
  if (!obviouslySpaced && shortestIntervalMinutes(cron) < minInterval) {
    return { ok: false, failure: refuse(input, buildTooFrequentRefusal(minInterval, buildTooFrequentAlternative(ir, minInterval))) };
  }
  const runs = computeNextRuns(cron, zone, options.now, options.count ?? DEFAULT_RUN_COUNT);
  if (runs.length === 0) {
    const yearsOver = cron.year.kind === 'list' && cron.year.values.every((y) => y < options.now.getUTCFullYear() + 1);
    const what = yearsOver ? `A run in ${cron.year.kind === 'list' ? cron.year.values.join(', ') : ''}` : 'A date matching this schedule';
    const suggestion = ir ? renderPhrase({ ...ir, years: [] }) : FALLBACK_SUGGESTION;
    return { ok: false, failure: refuse(input, buildInvalidDateTimeRefusal(what, suggestion)) };
  }
  return { ok: true, cron, text, zone, runs, assumed: ir?.assumed ?? [] };
}

/** The resolved schedule in words: the contract of `routine-bot schedule --json`. */
function describeResolved(input: string, resolved: ResolvedSchedule, options: InterpretOptions): ScheduleResult {
  if (!resolved.ok) return resolved.failure;
  return {
    input,
    ok: true,
    cron: resolved.text,
    timezone: resolved.zone,
    description: describeCron(resolved.cron),
    nextRuns: resolved.runs.map((r) => r.toISO() as string),
    warnings: buildScheduleWarnings(resolved.cron, resolved.zone, options.now),
    assumed: resolved.assumed,
  };
}

/**
 * Phrase (or typed Omni cron) → validated cron → next runs, without the wording and warnings: the part of the
 * pipeline the benchmark compares with cron-parser.
 */
export function resolveSchedule(phrase: string, options: InterpretOptions): ResolvedSchedule {
  // chatter around a phrase is the grammar's to account for (phrase/filler.ts); a typed cron stands alone
  const typed = readTypedCron(phrase.trim());
  if (typed) {
    if (!typed.ok) return { ok: false, failure: refuse(phrase, typed.refusal) };
    return resolveCron(phrase, typed.cron, options.timezone, options);
  }
  const parsed = parseSchedulePhrase(phrase);
  if (!parsed.ok) return { ok: false, failure: refuse(phrase, parsed.refusal) };
  return resolveParsed(phrase, parsed, options);
}

/** A phrase read into the intermediate form (and, for joined parts, already merged into one cron). */
export interface ParsedSchedule {
  ir: ScheduleIr;
  cron?: OmniCron;
}

function resolveParsed(input: string, parsed: ParsedSchedule, options: InterpretOptions): ResolvedSchedule {
  const { ir } = parsed;
  if (parsed.cron) return resolveCron(input, parsed.cron, ir.zone ?? options.timezone, options, ir);
  const emitted = emitOmniCron(ir);
  if (!emitted.ok) return { ok: false, failure: refuse(input, emitted.refusal) };
  return resolveCron(input, emitted.cron, ir.zone ?? options.timezone, options, ir);
}

/**
 * Phrase (or a typed Omni cron) → schedule or refusal. A zone named in the phrase wins over `options.timezone`
 * and goes to `timezone`, never into the cron.
 */
export function interpretSchedule(phrase: string, options: InterpretOptions): ScheduleResult {
  return describeResolved(phrase, resolveSchedule(phrase, options), options);
}

/** The shared tail for a phrase already read into the intermediate form (find-in-text reads spans itself). */
export function completeParsed(input: string, parsed: ParsedSchedule, options: InterpretOptions): ScheduleResult {
  return describeResolved(input, resolveParsed(input, parsed, options), options);
}
