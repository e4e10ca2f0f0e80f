/**
 * Warnings about a schedule itself, shown next to its description and next runs: clock changes that move or
 * merge a run (by the DST policy in next-runs.ts), days that some months lack, and year limits that end soon.
 * The minimum-interval refusal is not here; it belongs to the phrase half.
 */
import { DateTime } from 'luxon';
import { createLruCache } from '../cache.js';
import { readFieldValues } from './cron.js';
import { formatClockTime, formatOrdinal, joinWords, monthName, weekdayName } from './describe.js';
import {
  compileCron,
  daysInMonth,
  locateTransition,
  readZoneOffsets,
  resolveWallTime,
  walkRuns,
} from './next-runs.js';
import type { CompiledCron, OffsetAt, OffsetTransition } from './next-runs.js';
import type { OmniCron } from './types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far ahead clock changes are checked. */
const DST_HORIZON_MS = 2 * 366 * DAY_MS;
/** Offsets are sampled this far apart; real zones never change twice within a week. */
const SCAN_STEP_MS = 7 * DAY_MS;

type Transition = OffsetTransition;

/** Transitions per zone and calendar year span: a zone's rules do not change while the bot runs. */
const transitionCache = createLruCache<string, Transition[]>({ max: 2000 });

/** Offset changes of `zone` in [fromMs, fromMs + 2 years), from a per-zone cache of 4-year spans. */
function findTransitionsAhead(zone: string, offsetAt: OffsetAt, fromMs: number): Transition[] {
  const year = new Date(fromMs).getUTCFullYear();
  const key = `${zone}|${year}`;
  let span = transitionCache.get(key);
  if (!span) {
    span = findOffsetTransitions(offsetAt, Date.UTC(year, 0, 1), Date.UTC(year + 4, 0, 1));
    transitionCache.set(key, span);
  }
  return span.filter((tr) => tr.at > fromMs && tr.at <= fromMs + DST_HORIZON_MS);
}

/** Offset changes of the zone in [fromMs, toMs), each located to the minute. */
export function findOffsetTransitions(offsetAt: OffsetAt, fromMs: number, toMs: number): Transition[] {
  const found: Transition[] = [];
  let t = fromMs;
  let offset = offsetAt(t);
  while (t < toMs) {
    const next = Math.min(t + SCAN_STEP_MS, toMs);
    const nextOffset = offsetAt(next);
    if (nextOffset !== offset) found.push(locateTransition(offsetAt, t, next));
    t = next;
    offset = nextOffset;
  }
  return found;
}

function formatDuration(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}`;
}

function formatCivilDate(localMs: number): string {
  const d = new Date(localMs);
  return `${d.getUTCDate()} ${monthName(d.getUTCMonth() + 1)} ${d.getUTCFullYear()}`;
}

function clockOf(localMs: number): string {
  const d = new Date(localMs);
  return formatClockTime(d.getUTCHours(), d.getUTCMinutes());
}

/** Wall times (as local ms) the cron has in [startLocal, endLocal). */
function runsInWallRange(compiled: CompiledCron, startLocal: number, endLocal: number): number[] {
  const out: number[] = [];
  for (let dayStart = Math.floor(startLocal / DAY_MS) * DAY_MS; dayStart < endLocal; dayStart += DAY_MS) {
    const d = new Date(dayStart);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    if (compiled.years && !compiled.years.includes(year)) continue;
    if (!compiled.months.has(month) || !compiled.matchDay(year, month, day)) continue;
    for (const t of compiled.times) {
      const wall = dayStart + t * MINUTE_MS;
      if (wall >= startLocal && wall < endLocal) out.push(wall);
    }
  }
  return out;
}

interface DstNote {
  kind: 'gap' | 'overlap';
  date: string;
  text: string;
}

function describeTransition(
  compiled: CompiledCron,
  zone: string,
  offsetAt: OffsetAt,
  tr: Transition,
): DstNote | undefined {
  const size = Math.abs(tr.after - tr.before);
  const startLocal = tr.at + Math.min(tr.before, tr.after) * MINUTE_MS;
  const endLocal = tr.at + Math.max(tr.before, tr.after) * MINUTE_MS;
  const affected = runsInWallRange(compiled, startLocal, endLocal);
  const first = affected[0];
  const last = affected[affected.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const date = formatCivilDate(first);
  if (tr.after > tr.before) {
    // Gap: each missing wall time runs at the old offset, i.e. `size` later; it merges with a run already due then.
    const regular = new Set(
      runsInWallRange(compiled, endLocal, endLocal + size * MINUTE_MS).map((w) => resolveWallTime(w, offsetAt)),
    );
    const moved = affected.map((w) => resolveWallTime(w, offsetAt));
    const merged = moved.filter((t) => regular.has(t)).length;
    if (affected.length === 1) {
      const lands = clockOf(first + size * MINUTE_MS);
      const outcome =
        merged > 0
          ? `that run is skipped (the ${lands} run happens as usual)`
          : `that run happens at ${lands}`;
      return { kind: 'gap', date, text: `On ${date}, ${clockOf(first)} does not exist in ${zone}; ${outcome}.` };
    }
    const runs = `the ${affected.length} runs from ${clockOf(first)} to ${clockOf(last)}`;
    const outcome =
      merged === affected.length
        ? `${runs} are skipped (those times do not exist)`
        : merged > 0
          ? `${runs} happen ${formatDuration(size)} later, once where a run is already due`
          : `${runs} happen ${formatDuration(size)} later`;
    return {
      kind: 'gap',
      date,
      text: `On ${date}, clocks in ${zone} go forward ${formatDuration(size)} at ${clockOf(startLocal)}: ${outcome}.`,
    };
  }
  if (affected.length === 1) {
    return {
      kind: 'overlap',
      date,
      text:
        `On ${date}, ${clockOf(first)} happens twice in ${zone} (clocks go back); ` +
        `the run happens once, at the first ${clockOf(first)} (${formatOffset(tr.before)}).`,
    };
  }
  return {
    kind: 'overlap',
    date,
    text:
      `On ${date}, clocks in ${zone} go back ${formatDuration(size)}, so ${clockOf(startLocal)} to ` +
      `${clockOf(endLocal - MINUTE_MS)} happens twice; the ${affected.length} runs in it happen once each, the first time.`,
  };
}

function buildDstWarnings(compiled: CompiledCron, zone: string, offsetAt: OffsetAt, fromMs: number): string[] {
  const notes = findTransitionsAhead(zone, offsetAt, fromMs)
    .map((tr) => describeTransition(compiled, zone, offsetAt, tr))
    .filter((n): n is DstNote => n !== undefined);
  const out: string[] = [];
  for (const kind of ['gap', 'overlap'] as const) {
    const ofKind = notes.filter((n) => n.kind === kind);
    const [head, ...rest] = ofKind;
    if (!head) continue;
    const again = rest.length > 0 ? ` The same happens on ${joinWords(rest.map((n) => n.date))}.` : '';
    out.push(head.text + again);
  }
  return out;
}

function buildShortMonthWarnings(cron: OmniCron): string[] {
  const months = readFieldValues(cron.month, 'month') ?? [];
  const dom = cron.dayOfMonth;
  const days = dom.kind === 'list' ? dom.values : dom.kind === 'nearestWeekday' ? [dom.day] : [];
  const out: string[] = [];
  if (days.length > 0) {
    const latest = Math.max(...days);
    const earliest = Math.min(...days);
    // Lengths in a leap year; plain Februaries are covered by the 29th note below.
    const lacking = months.filter((m) => daysInMonth(2024, m) < latest);
    if (latest >= 30 && lacking.length > 0) {
      const skipped = lacking.every((m) => earliest > daysInMonth(2024, m));
      const ordinal = formatOrdinal(latest);
      if (lacking.length === 1 && lacking[0] === 2) {
        out.push(`February has no ${ordinal}, so it ${skipped ? 'is skipped' : `has no run on the ${ordinal}`}.`);
      } else {
        const what = skipped ? 'are skipped' : `have no run on the ${ordinal}`;
        out.push(`Months without a ${ordinal} (${joinWords(lacking.map(monthName))}) ${what}.`);
      }
    }
    if (days.includes(29) && months.includes(2)) {
      if (months.length === 1 && earliest === 29) {
        out.push('February 29 exists only in leap years, so this runs only in leap years.');
      } else {
        out.push(
          earliest === 29
            ? 'February is skipped except in leap years.'
            : 'In February, the 29th exists only in leap years.',
        );
      }
    }
  }
  const dow = cron.dayOfWeek;
  if (dow.kind === 'nthWeekday' && dow.nth === 5) {
    out.push(`Months without a fifth ${weekdayName(dow.weekday)} are skipped.`);
  }
  return out;
}

function buildYearWarnings(cron: OmniCron, compiled: CompiledCron, offsetAt: OffsetAt, fromMs: number): string[] {
  const fromYear = DateTime.fromMillis(fromMs + offsetAt(fromMs) * MINUTE_MS, { zone: 'UTC' }).year;
  const years = compiled.years;
  if (walkRuns(compiled, offsetAt, fromMs, 1).length === 0) {
    if (years && (years[years.length - 1] ?? 0) < fromYear) {
      return [`This schedule never runs again: its last year, ${years[years.length - 1] ?? ''}, is past.`];
    }
    return ['This schedule never runs: no date matches it.'];
  }
  if (!years) return [];
  const lastYear = years[years.length - 1] ?? fromYear;
  if (cron.year.kind !== 'any' && lastYear <= fromYear + 1) {
    return [`This schedule stops after ${lastYear}: it has no runs after that year.`];
  }
  return [];
}

/** Warnings about the schedule in its zone, counted from `from`. Throws InvalidTimeZoneError for a bad zone. */
export function buildScheduleWarnings(cron: OmniCron, zone: string, from: Date): string[] {
  const offsetAt = readZoneOffsets(zone);
  const compiled = compileCron(cron);
  const fromMs = from.getTime();
  const yearWarnings = buildYearWarnings(cron, compiled, offsetAt, fromMs);
  if (yearWarnings[0]?.startsWith('This schedule never runs')) return yearWarnings;
  // Hourly and faster schedules just gain or lose an hour's runs on clock-change days: not worth a warning.
  const hourly = (readFieldValues(cron.hour, 'hour') ?? []).length === 24;
  return [
    ...(hourly ? [] : buildDstWarnings(compiled, zone, offsetAt, fromMs)),
    ...buildShortMonthWarnings(cron),
    ...yearWarnings,
  ];
}
