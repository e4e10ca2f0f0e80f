/**
 * Next runs of an Omni cron in an IANA zone.
 *
 * The evaluator walks civil dates (plain integer arithmetic; weekday from the day number), matches the day
 * fields itself (`L`, `LW`, `nW`, `#`, `nL`, year), and only then turns each wall time into an instant.
 *
 * DST policy (Omni documents none; this is ours, shown to users through the next runs and warnings):
 *  - a wall time that does not exist (spring-forward gap) runs at the same offset as before the gap, i.e. moved
 *    later by the size of the gap: 02:30 on 8 March 2026 in New York runs at 03:30 EDT (luxon's and cron-parser's
 *    choice; Lord Howe's 30-minute gap moves 02:15 to 02:45);
 *  - a wall time that occurs twice (fall-back overlap) runs once, at its first occurrence (the earlier offset);
 *  - the same instant is never returned twice (hourly at 02:00 and 03:00 on a spring-forward day both land on
 *    03:00 EDT: one run), and runs are strictly increasing.
 * `nW` whose day does not exist in a month (31W in April) does not fire that month, like `31`.
 */
import { DateTime, IANAZone } from 'luxon';
import { RoutineBotError } from '../errors.js';
import { CRON_FIELD_RANGES, readFieldValues } from './cron.js';
import type { CronFieldName } from './cron.js';
import type { CronField, OmniCron } from './types.js';

export class InvalidTimeZoneError extends RoutineBotError {
  readonly code = 'routine_bot_invalid_timezone';
  readonly zone: string;

  constructor(zone: string) {
    super(`"${zone}" is not an IANA time zone (e.g. America/New_York, Europe/London, UTC)`);
    this.zone = zone;
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Search at most this many calendar years that the year field allows (FRI#5 in February recurs every 28). */
const MAX_YEARS_SEARCHED = 40;

/** Offset (minutes east of UTC) of `zone` at an instant. */
export type OffsetAt = (instantMs: number) => number;

/**
 * Valid zones seen so far: luxon's validity check builds an Intl formatter each time, which is slow. A pure memo
 * (a zone's validity never changes while the process runs), bounded by the tz database, so not a src/cache.ts cache.
 */
const knownZones = new Map<string, IANAZone>();

/** The luxon zone for an IANA name; throws InvalidTimeZoneError for anything else. */
export function readIanaZone(zone: string): IANAZone {
  const known = knownZones.get(zone);
  if (known) return known;
  if (!IANAZone.isValidZone(zone)) throw new InvalidTimeZoneError(zone);
  const iana = IANAZone.create(zone);
  knownZones.set(zone, iana); // bounded by the tz database's few hundred names
  return iana;
}

export function readZoneOffsets(zone: string): OffsetAt {
  const iana = readIanaZone(zone);
  return (ms) => iana.offset(ms);
}

/** Days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1=SUN … 7=SAT, as in the cron dialect. */
export function weekdayOf(year: number, month: number, day: number): number {
  const dayNumber = Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
  return ((((dayNumber + 4) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

function isWeekend(weekday: number): boolean {
  return weekday === 1 || weekday === 7;
}

/** `nW`: the weekday nearest `day`, never leaving the month; undefined when the month has no such day. */
export function nearestWeekdayOf(year: number, month: number, day: number): number | undefined {
  const dim = daysInMonth(year, month);
  if (day > dim) return undefined;
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1; // Saturday → Friday, or Monday the 3rd
  if (weekday === 1) return day === dim ? day - 2 : day + 1; // Sunday → Monday, or Friday before the last
  return day;
}

/** `LW`: the last Monday-to-Friday day of the month. */
export function lastWeekdayOf(year: number, month: number): number {
  let day = daysInMonth(year, month);
  while (isWeekend(weekdayOf(year, month, day))) day--;
  return day;
}

/** Does a civil date satisfy both day fields (at most one of which is restricted)? */
export type DayMatcher = (year: number, month: number, day: number) => boolean;

function buildDomMatcher(field: CronField): DayMatcher | undefined {
  switch (field.kind) {
    case 'any':
    case 'none':
      return undefined;
    case 'list': {
      const set = new Set(field.values);
      return (_y, _m, d) => set.has(d);
    }
    case 'last':
      return (y, m, d) => d === daysInMonth(y, m);
    case 'lastWeekday':
      return (y, m, d) => d >= 26 && d === lastWeekdayOf(y, m);
    case 'nearestWeekday': {
      const target = field.day;
      return (y, m, d) => Math.abs(d - target) <= 2 && d === nearestWeekdayOf(y, m, target);
    }
    default:
      throw new RangeError(`day-of-month cannot be ${field.kind}`);
  }
}

function buildDowMatcher(field: CronField): DayMatcher | undefined {
  switch (field.kind) {
    case 'any':
    case 'none':
      return undefined;
    case 'list': {
      const set = new Set(field.values);
      return (y, m, d) => set.has(weekdayOf(y, m, d));
    }
    case 'nthWeekday': {
      const { weekday, nth } = field;
      return (y, m, d) => Math.ceil(d / 7) === nth && weekdayOf(y, m, d) === weekday;
    }
    case 'lastOfWeekday': {
      const { weekday } = field;
      return (y, m, d) => d + 7 > daysInMonth(y, m) && weekdayOf(y, m, d) === weekday;
    }
    default:
      throw new RangeError(`day-of-week cannot be ${field.kind}`);
  }
}

export function buildDayMatcher(cron: OmniCron): DayMatcher {
  const dom = buildDomMatcher(cron.dayOfMonth);
  const dow = buildDowMatcher(cron.dayOfWeek);
  if (dom && dow) return (y, m, d) => dom(y, m, d) && dow(y, m, d);
  return dom ?? dow ?? (() => true);
}

function plainValues(field: CronField, name: CronFieldName): number[] {
  const values = readFieldValues(field, name);
  if (!values) throw new RangeError(`${name} cannot be ${field.kind}`);
  return values;
}

/** Everything the walk needs, computed once per cron. */
export interface CompiledCron {
  /** Minutes after midnight of every wall time in a matching day, ascending. */
  times: number[];
  months: Set<number>;
  /** Allowed years ascending, or undefined for every year. */
  years: number[] | undefined;
  matchDay: DayMatcher;
}

export function compileCron(cron: OmniCron): CompiledCron {
  const minutes = plainValues(cron.minute, 'minute');
  const hours = plainValues(cron.hour, 'hour');
  const times: number[] = [];
  for (const h of hours) for (const m of minutes) times.push(h * 60 + m);
  const years =
    cron.year.kind === 'any' ? undefined : plainValues(cron.year, 'year').slice().sort((a, b) => a - b);
  return {
    times,
    months: new Set(plainValues(cron.month, 'month')),
    years,
    matchDay: buildDayMatcher(cron),
  };
}

/**
 * The instant of a wall time (`localMs` = the wall time read as if it were UTC), by the DST policy above.
 * Assumes at most one offset change within a day either side, which holds for every real zone.
 */
export function resolveWallTime(localMs: number, offsetAt: OffsetAt): number {
  const before = offsetAt(localMs - DAY_MS);
  const after = offsetAt(localMs + DAY_MS);
  const withBefore = localMs - before * MINUTE_MS;
  const beforeFits = offsetAt(withBefore) === before;
  if (before === after) {
    if (beforeFits) return withBefore;
    // Two changes within two days (never seen in tzdb): fall back to the offset at our first guess.
    return localMs - offsetAt(withBefore) * MINUTE_MS;
  }
  const withAfter = localMs - after * MINUTE_MS;
  const afterFits = offsetAt(withAfter) === after;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter); // overlap: first occurrence
  if (beforeFits) return withBefore;
  if (afterFits) return withAfter;
  return withBefore; // gap: keep the old offset, which lands after the gap
}

/**
 * Answers "is the offset constant over [a, b]?" with few zone look-ups: a check that holds over a week is
 * remembered, so daily schedules cost about one look-up a week. Relies on zones never changing their offset
 * twice within a week (true of every tzdb zone; Morocco's Ramadan changes are a month apart).
 */
function buildConstantOffsetCheck(offsetAt: OffsetAt): (a: number, b: number) => number | undefined {
  let spanStart = Number.NEGATIVE_INFINITY;
  let spanEnd = Number.NEGATIVE_INFINITY;
  let spanOffset = 0;
  return (a, b) => {
    if (a >= spanStart && b <= spanEnd) return spanOffset;
    const atStart = offsetAt(a);
    const far = a + WEEK_MS;
    if (b <= far && offsetAt(far) === atStart) {
      spanStart = a;
      spanEnd = far;
      spanOffset = atStart;
      return atStart;
    }
    return offsetAt(b) === atStart ? atStart : undefined;
  };
}

/** One offset change: from `at` on, the zone is at `after` minutes instead of `before`. */
export interface OffsetTransition {
  at: number;
  before: number;
  after: number;
}

/**
 * The first minute-aligned instant in (lo, hi] whose offset differs from lo's, by bisection (offsets change on
 * whole minutes). Call only when the offsets at lo and hi differ.
 */
export function locateTransition(offsetAt: OffsetAt, lo: number, hi: number): OffsetTransition {
  const before = offsetAt(lo);
  let low = Math.floor(lo / MINUTE_MS) * MINUTE_MS;
  let high = hi;
  while (high - low > MINUTE_MS) {
    const mid = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(mid) === before) low = mid;
    else high = mid;
  }
  return { at: high, before, after: offsetAt(high) };
}

/** The DST policy on one known change: gap → the old offset (later instant); overlap → the first occurrence. */
function resolveAcross(localMs: number, { at, before, after }: OffsetTransition): number {
  const withBefore = localMs - before * MINUTE_MS;
  if (withBefore < at) return withBefore; // exists before the change (first occurrence if it also exists after)
  const withAfter = localMs - after * MINUTE_MS;
  if (withAfter >= at) return withAfter;
  return withBefore; // in the gap
}

/** Index of the first value in an ascending list that is greater than `bound` (list length when none). */
function findFirstAbove(values: number[], bound: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) > bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Instants of one civil day's runs later than `after`, ascending and distinct; at most `limit` of them.
 * On ordinary days this is arithmetic from the first time that can count (no work for earlier times).
 */
function resolveDay(
  midnight: number,
  times: number[],
  offsetAt: OffsetAt,
  constantOffset: (a: number, b: number) => number | undefined,
  after: number,
  limit: number,
): number[] {
  // The local day spans instants within [midnight − 14h, midnight + 38h); one offset throughout means no change.
  const spanStart = midnight - 14 * HOUR_MS;
  const spanEnd = midnight + DAY_MS + 12 * HOUR_MS;
  const offset = constantOffset(spanStart, spanEnd);
  const out: number[] = [];
  if (offset !== undefined) {
    // midnight + (t − offset) min > after  ⇔  t > (after − midnight) / 1 min + offset
    for (let i = findFirstAbove(times, (after - midnight) / MINUTE_MS + offset); i < times.length; i++) {
      out.push(midnight + ((times[i] ?? 0) - offset) * MINUTE_MS);
      if (out.length >= limit) break;
    }
    return out;
  }
  // A clock-change day: find the change once, then place every time by arithmetic.
  const change = locateTransition(offsetAt, spanStart, spanEnd);
  const instants = times.map((t) => resolveAcross(midnight + t * MINUTE_MS, change)).sort((a, b) => a - b);
  let latest = after;
  for (const instant of instants) {
    if (instant <= latest) continue; // earlier than `after`, or a gap time that landed on a regular run
    out.push(instant);
    latest = instant;
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The next `count` runs strictly after `from`, as luxon DateTimes in `zone`. Fewer (or none) when the cron
 * stops (its years run out) or never fires (31 February); the search is bounded, never endless.
 */
export function computeNextRuns(cron: OmniCron, zone: string, from: Date, count: number): DateTime[] {
  const iana = readIanaZone(zone);
  const fromMs = from.getTime();
  if (Number.isNaN(fromMs)) throw new RangeError('computeNextRuns: `from` is an invalid Date');
  if (count <= 0) return [];
  const compiled = compileCron(cron);
  // The zone name (not the zone object) so UTC prints as `Z`, as luxon does everywhere else.
  return walkRuns(compiled, (ms) => iana.offset(ms), fromMs, count).map((ms) => DateTime.fromMillis(ms, { zone }));
}

/** The walk itself, on epoch milliseconds (shared with the warnings). */
export function walkRuns(compiled: CompiledCron, offsetAt: OffsetAt, fromMs: number, count: number): number[] {
  const runs: number[] = [];
  if (compiled.times.length === 0 || compiled.months.size === 0) return runs;
  // Start a day early: a run on the previous local date can never be later, but this costs little and
  // keeps the start robust whatever the offset.
  const start = new Date(fromMs + offsetAt(fromMs) * MINUTE_MS - DAY_MS);
  const startYear = start.getUTCFullYear();
  const startMonth = start.getUTCMonth() + 1;
  const startDay = start.getUTCDate();
  const [, lastYear] = CRON_FIELD_RANGES.year;
  const years =
    compiled.years?.filter((y) => y >= startYear).slice(0, MAX_YEARS_SEARCHED) ??
    Array.from({ length: MAX_YEARS_SEARCHED }, (_, i) => startYear + i).filter((y) => y <= lastYear);
  const constantOffset = buildConstantOffsetCheck(offsetAt);
  let latest = fromMs;
  for (const year of years) {
    for (let month = year === startYear ? startMonth : 1; month <= 12; month++) {
      if (!compiled.months.has(month)) continue;
      const dim = daysInMonth(year, month);
      const firstDay = year === startYear && month === startMonth ? startDay : 1;
      for (let day = firstDay; day <= dim; day++) {
        if (!compiled.matchDay(year, month, day)) continue;
        const midnight = Date.UTC(year, month - 1, day);
        const remaining = count - runs.length;
        for (const instant of resolveDay(midnight, compiled.times, offsetAt, constantOffset, latest, remaining)) {
          runs.push(instant);
          latest = instant;
        }
        if (runs.length >= count) return runs;
      }
    }
  }
  return runs;
}

/**
 * The smallest wall-clock gap, in minutes, between two consecutive runs (structural: ignores DST and year).
 * Used to enforce ROUTINE_MIN_INTERVAL_MINUTES. Infinity when the cron never fires twice.
 */
export function shortestIntervalMinutes(cron: OmniCron): number {
  const { times, months, matchDay } = compileCron(cron);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) best = Math.min(best, (times[i] ?? 0) - (times[i - 1] ?? 0));
  if (times.length === 0) return best;
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  // Consecutive matching days are at least a day apart: skip the calendar when the day already has a closer pair.
  if (best <= 1440 + first - last) return best;
  // Gap between the last run of one matching day and the first of the next: scan four years of days
  // (covers leap days and every weekday/month layout that matters for a minimum-interval check).
  let previousDay: number | undefined;
  let smallestDayGap = Number.POSITIVE_INFINITY;
  for (let year = 2024; year <= 2027 && smallestDayGap > 1; year++) {
    for (let month = 1; month <= 12; month++) {
      if (!months.has(month)) continue;
      const dim = daysInMonth(year, month);
      for (let day = 1; day <= dim; day++) {
        if (!matchDay(year, month, day)) continue;
        const dayNumber = Date.UTC(year, month - 1, day) / DAY_MS;
        if (previousDay !== undefined) smallestDayGap = Math.min(smallestDayGap, dayNumber - previousDay);
        previousDay = dayNumber;
      }
    }
  }
  if (Number.isFinite(smallestDayGap)) best = Math.min(best, smallestDayGap * 1440 + first - last);
  return best;
}
