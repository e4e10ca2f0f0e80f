/**
 * Step 3: intermediate form → Omni cron fields, or a refusal when one cron cannot say it (docs/schedules.md §4):
 * steps that do not divide their period, times whose hours and minutes do not form a grid, several `#`/`L` days,
 * weekdays mixed with dates, dates no month has.
 */
import type { ClockTime, DaySelector, ScheduleIr } from './ir.js';
import {
  buildDayCountRefusal,
  buildInvalidDateTimeRefusal,
  buildMinuteStepRefusal,
  buildMonthStepRefusal,
  buildMultipleSchedulesRefusal,
  buildYearStepRefusal,
  renderOrdinal,
  renderPhrase,
  renderTime,
} from './refusals.js';
import type { CronField, OmniCron, ScheduleRefusal } from './types.js';

export type EmitResult = { ok: true; cron: OmniCron } | { ok: false; refusal: ScheduleRefusal };

const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];
const MONTH_STEPS = [1, 2, 3, 4, 6, 12];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_WORDS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function listField(values: number[], size: number): CronField {
  const unique = [...new Set(values)].sort((a, b) => a - b);
  return unique.length === size ? { kind: 'any' } : { kind: 'list', values: unique };
}

export function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Hours of a window, start included; the end included when `inclusiveEnd` (hour steps) — wraps past midnight. */
export function windowHours(from: ClockTime, to: ClockTime, step: number, inclusiveEnd: boolean, minute = 0): number[] {
  const span = (to.hour - from.hour + 24) % 24;
  const last = inclusiveEnd ? (to.minute >= minute ? span : span - 1) : to.minute > 0 ? span : span - 1;
  const out: number[] = [];
  for (let h = 0; h <= last; h += step) out.push((from.hour + h) % 24);
  return out;
}

/** The largest step cron can keep exact that is not more than `n`, for alternatives. */
function fittingStep(n: number, steps: number[]): number {
  return [...steps].reverse().find((s) => s <= n) ?? 1;
}

export function emitOmniCron(ir: ScheduleIr): EmitResult {
  let minutes: number[];
  let hours: number[];
  let months = ir.months;
  const step = ir.step;

  if (step && (step.unit === 'minute' || step.unit === 'hour')) {
    let unit = step.unit;
    let every = step.every;
    if (unit === 'minute' && every >= 60 && every % 60 === 0) {
      unit = 'hour';
      every /= 60;
    }
    if (unit === 'hour' && every === 24) {
      // every 24 hours = once a day
      const at = step.anchor ?? step.window?.from ?? { hour: 9, minute: 0 };
      return emitOmniCron({ ...ir, step: undefined, times: [at] } as ScheduleIr);
    }
    if (unit === 'hour' && every > 24 && every % 24 === 0) {
      return { ok: false, refusal: buildDayCountRefusal(renderPhrase({ ...ir, step: undefined, times: [step.anchor ?? { hour: 9, minute: 0 }], days: [{ kind: 'weekdays', days: [2, 4, 6] }] })) };
    }
    if (unit === 'minute' && (every < 1 || !Number.isInteger(every) || 60 % every !== 0)) {
      const suggestion = every > 60 ? { unit: 'hour' as const, every: fittingStep(every / 60, HOUR_STEPS) } : { unit: 'hour' as const, every: 1 };
      return { ok: false, refusal: buildMinuteStepRefusal(every, renderPhrase({ ...ir, step: { ...step, ...suggestion } })) };
    }
    if (unit === 'hour' && (every < 1 || !Number.isInteger(every) || 24 % every !== 0)) {
      return { ok: false, refusal: buildMinuteStepRefusal(every * 60, renderPhrase({ ...ir, step: { ...step, unit: 'hour', every: fittingStep(every, HOUR_STEPS) } })) };
    }
    if (unit === 'minute') {
      const start = (step.minute ?? step.anchor?.minute ?? step.window?.from.minute ?? 0) % every;
      minutes = range(start, 59, every);
      hours = step.window ? windowHours(step.window.from, step.window.to, 1, false) : range(0, 23);
    } else {
      const minute = step.minute ?? step.anchor?.minute ?? step.window?.from.minute ?? 0;
      minutes = [minute];
      if (step.window) hours = windowHours(step.window.from, step.window.to, every, true, minute);
      else if (step.anchor) hours = range(step.anchor.hour % every, 23, every);
      else hours = range(0, 23, every);
    }
  } else {
    if (step?.unit === 'month') {
      if (!MONTH_STEPS.includes(step.every)) {
        return { ok: false, refusal: buildMonthStepRefusal(step.every, renderPhrase({ ...ir, step: undefined, months: [1, 4, 7, 10] })) };
      }
      const first = ((((step.anchorMonth ?? 1) - 1) % step.every) + step.every) % step.every + 1;
      months = range(first, 12, step.every);
    } else if (step?.unit === 'year' && step.every > 1) {
      return { ok: false, refusal: buildYearStepRefusal(renderPhrase({ ...ir, step: undefined })) };
    } else if (step && (step.unit === 'day' || step.unit === 'week') && step.every > 1) {
      return { ok: false, refusal: buildDayCountRefusal(renderPhrase({ ...ir, step: undefined, days: [{ kind: 'weekdays', days: [2, 4, 6] }] })) };
    }
    const times = ir.times.length > 0 ? ir.times : [{ hour: 9, minute: 0 }];
    minutes = [...new Set(times.map((t) => t.minute))];
    hours = [...new Set(times.map((t) => t.hour))];
    // One cron is the grid hours × minutes: it says these times only if the grid has nothing extra.
    if (minutes.length * hours.length !== new Set(times.map((t) => t.hour * 60 + t.minute)).size) {
      const [first, second] = [...times].sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
      const extra = (first && second) ? ` (it would also run at ${renderTime({ hour: first.hour, minute: second.minute })} and ${renderTime({ hour: second.hour, minute: first.minute })})` : '';
      return {
        ok: false,
        refusal: buildMultipleSchedulesRefusal(`Those times differ in both the hour and the minute${extra}.`, renderPhrase({ ...ir, times: [first as ClockTime] })),
      };
    }
  }

  const days = emitDays(ir, months);
  if (!days.ok) return days;
  for (const y of ir.years) {
    if (y < 1970 || y > 2199) return { ok: false, refusal: buildInvalidDateTimeRefusal(`The year ${y}`, renderPhrase({ ...ir, years: [] })) };
  }
  return {
    ok: true,
    cron: {
      minute: listField(minutes, 60),
      hour: listField(hours, 24),
      dayOfMonth: days.dayOfMonth,
      month: listField(months.length > 0 ? months : range(1, 12), 12),
      dayOfWeek: days.dayOfWeek,
      year: ir.years.length > 0 ? { kind: 'list', values: [...ir.years] } : { kind: 'any' },
      source: '',
    },
  };
}

type DaysResult = { ok: true; dayOfMonth: CronField; dayOfWeek: CronField } | { ok: false; refusal: ScheduleRefusal };

function isWeekdayKind(s: DaySelector): boolean {
  return s.kind === 'weekdays' || s.kind === 'nthWeekday' || s.kind === 'lastOfWeekday';
}

function emitDays(ir: ScheduleIr, months: number[]): DaysResult {
  let selectors = ir.days;
  // several lists of dates are one list ("the 1st and the 15th" read as two)
  const dates = selectors.filter((s): s is Extract<DaySelector, { kind: 'monthDays' }> => s.kind === 'monthDays');
  if (dates.length > 1) {
    selectors = [{ kind: 'monthDays', days: [...new Set(dates.flatMap((d) => d.days))].sort((a, b) => a - b) }, ...selectors.filter((s) => s.kind !== 'monthDays')];
  }
  const weekdayLists = selectors.filter((s): s is Extract<DaySelector, { kind: 'weekdays' }> => s.kind === 'weekdays');
  if (weekdayLists.length > 1) {
    selectors = [{ kind: 'weekdays', days: [...new Set(weekdayLists.flatMap((d) => d.days))] }, ...selectors.filter((s) => s.kind !== 'weekdays')];
  }
  // "every day" next to a date adds nothing
  if (selectors.length > 1) selectors = selectors.filter((s) => !(s.kind === 'weekdays' && s.days.length === 7));
  if (selectors.length > 1) {
    const first = selectors[0] as DaySelector;
    const why = selectors.some(isWeekdayKind) && selectors.some((s) => !isWeekdayKind(s))
      ? 'Days of the week and days of the month cannot be mixed in one schedule.'
      : selectors.every((s) => s.kind === 'nthWeekday' || s.kind === 'lastOfWeekday')
        ? 'Only one "nth weekday of the month" fits in a schedule.'
        : 'The last day or nearest weekday of the month cannot be listed with other days.';
    return { ok: false, refusal: buildMultipleSchedulesRefusal(why, renderPhrase({ ...ir, days: [first] })) };
  }
  const sel = selectors[0];
  const none: CronField = { kind: 'none' };
  if (!sel) return { ok: true, dayOfMonth: none, dayOfWeek: { kind: 'any' } };
  switch (sel.kind) {
    case 'weekdays':
      return { ok: true, dayOfMonth: none, dayOfWeek: listField(sel.days, 7) };
    case 'nthWeekday':
      return { ok: true, dayOfMonth: none, dayOfWeek: { kind: 'nthWeekday', weekday: sel.weekday, nth: sel.nth } };
    case 'lastOfWeekday':
      return { ok: true, dayOfMonth: none, dayOfWeek: { kind: 'lastOfWeekday', weekday: sel.weekday } };
    case 'lastDay':
      return { ok: true, dayOfMonth: { kind: 'last' }, dayOfWeek: none };
    case 'lastBusinessDay':
      return { ok: true, dayOfMonth: { kind: 'lastWeekday' }, dayOfWeek: none };
    case 'nearestWeekday':
    case 'monthDays': {
      const days = sel.kind === 'monthDays' ? sel.days : [sel.day];
      const inMonths = months.length > 0 ? months : range(1, 12);
      const possible = days.some((d) => inMonths.some((m) => d <= (DAYS_IN_MONTH[m - 1] as number)));
      if (!possible) {
        const month = inMonths.length === 1 ? ` ${MONTH_WORDS[(inMonths[0] as number) - 1] as string}` : '';
        const what = `The ${joinOrdinals(days)}${month ? ` of${month}` : ''}`;
        return { ok: false, refusal: buildInvalidDateTimeRefusal(what, renderPhrase({ ...ir, days: [{ kind: 'lastDay' }] })) };
      }
      const dayOfMonth: CronField = sel.kind === 'monthDays' ? listField(days, 31) : { kind: 'nearestWeekday', day: sel.day };
      // every day of the month is no restriction at all
      if (dayOfMonth.kind === 'any') return { ok: true, dayOfMonth: none, dayOfWeek: { kind: 'any' } };
      return { ok: true, dayOfMonth, dayOfWeek: none };
    }
  }
}

function joinOrdinals(days: number[]): string {
  return days.map(renderOrdinal).join(' and ');
}
