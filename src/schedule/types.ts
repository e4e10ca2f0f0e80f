/**
 * The shared vocabulary of the schedule engine. Two halves meet here:
 *  - the cron half (cron.ts, next-runs.ts, describe.ts, warnings.ts): Omni's six-field dialect, read, validated,
 *    evaluated in a zone and described in words;
 *  - the phrase half (normalise.ts, phrase/, emit.ts, find-in-text.ts, interpret.ts): what people type,
 *    turned into an intermediate form and then into the canonical cron.
 */

/** The closed set of reasons a phrase is refused (docs/schedules.md §5). */
export const REFUSAL_CODES = [
  'one_off',
  'interval_not_expressible',
  'needs_multiple_schedules',
  'too_frequent',
  'ambiguous',
  'unsupported_calendar',
  'unsupported_bounds',
  'invalid_datetime',
  'dialect_unsupported',
  'event_trigger',
  'not_a_schedule',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface ScheduleRefusal {
  code: RefusalCode;
  /** Plain words: why one Omni schedule cannot do this. */
  message: string;
  /** Something the user can choose instead, phrased so it could be typed back as a schedule. */
  alternative: string;
}

/**
 * One field of an Omni cron after reading. Values are numbers in the field's own range
 * (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 1=SUN..7=SAT, year 1970-2199).
 */
export type CronField =
  | { kind: 'any' } //                       `*`
  | { kind: 'none' } //                      `?` (day fields only)
  | { kind: 'list'; values: number[] } //    numbers, ranges and steps, expanded and sorted
  | { kind: 'last' } //                      `L` in day-of-month
  | { kind: 'lastWeekday' } //               `LW` in day-of-month
  | { kind: 'nearestWeekday'; day: number } //   `15W`
  | { kind: 'nthWeekday'; weekday: number; nth: number } // `MON#1` / `2#1`
  | { kind: 'lastOfWeekday'; weekday: number }; //          `FRIL` / `6L`

/** A valid Omni cron, read into fields. `source` is the text it was read from. */
export interface OmniCron {
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
  year: CronField;
  source: string;
}

export type CronReadResult = { ok: true; cron: OmniCron } | { ok: false; error: string };

/** What `interpretSchedule` answers for one phrase: the contract of `routine-bot schedule --json`. */
export type ScheduleResult =
  | {
      input: string;
      ok: true;
      cron: string;
      timezone: string;
      description: string;
      /** ISO 8601 with the zone's offset, e.g. 2026-03-09T09:00:00.000-04:00 */
      nextRuns: string[];
      warnings: string[];
      /** Values a convention filled in rather than the phrase ("“morning” read as 9:00 AM"): shown as assumed. */
      assumed: string[];
    }
  | { input: string; ok: false; error: { code: RefusalCode; message: string; alternative: string } };

export interface InterpretOptions {
  /** IANA zone used when the phrase names none (the user's Slack tz, then DEFAULT_TIMEZONE). */
  timezone: string;
  /** The instant next runs are counted from. */
  now: Date;
  /** How many next runs to show (default 3). */
  count?: number;
  /** Runs closer together than this are refused as too_frequent (default 60). */
  minIntervalMinutes?: number;
}
