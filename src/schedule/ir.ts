/**
 * The intermediate form between a phrase and a cron (docs/schedules.md §1): what the person asked for, in their
 * terms, before anyone checks whether one Omni cron can say it. The grammar (phrase/, built in phrase/build-ir.ts) fills it; the emitter
 * (emit.ts) checks expressibility and writes the cron fields.
 */

/** A wall-clock time, 24-hour. */
export interface ClockTime {
  hour: number;
  minute: number;
}

/** Which days a schedule fires on. Day-of-week values are 1=SUN … 7=SAT, as in CronField. */
export type DaySelector =
  | { kind: 'weekdays'; days: number[] }
  | { kind: 'monthDays'; days: number[] }
  | { kind: 'lastDay' }
  | { kind: 'lastBusinessDay' }
  | { kind: 'nearestWeekday'; day: number }
  | { kind: 'nthWeekday'; weekday: number; nth: number }
  | { kind: 'lastOfWeekday'; weekday: number };

/** "every N <unit>": steps of minutes and hours land in the time fields, the rest must divide a calendar period. */
export interface ScheduleStep {
  unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
  every: number;
  /** "between 9am and 5pm": hour steps include the end, minute steps stop before it (docs/schedules.md §3). */
  window?: { from: ClockTime; to: ClockTime };
  /** "starting at 7pm": the step runs through the whole day, aligned to this time. */
  anchor?: ClockTime;
  /** "every hour at :30": the minute of an hour step. */
  minute?: number;
  /** "every 2 months starting in March". */
  anchorMonth?: number;
}

export interface ScheduleIr {
  /** Fixed run times; empty when a step sets the time fields (or nothing was said: 09:00 is applied before). */
  times: ClockTime[];
  step?: ScheduleStep;
  /** Several selectors mean the person named several kinds of day; the emitter decides if one cron can do it. */
  days: DaySelector[];
  /** 1–12; empty = every month. */
  months: number[];
  /** Empty = every year. */
  years: number[];
  /** IANA zone named in the phrase. */
  zone?: string;
  /** Values filled in by a convention rather than said ("“morning” read as 9:00 AM"), for the preview. */
  assumed?: string[];
}
