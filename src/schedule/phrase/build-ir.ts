/**
 * The end of reading one part: the conventions (no time → 9:00 AM, weekly → Monday, monthly → the 1st, bare hours
 * 7–11 am and 12–6 pm; docs/schedules.md) applied to what was recorded, giving the intermediate form or a refusal.
 * Every value filled in by a convention is listed in `assumed`, so the preview can say so.
 */
import type { ClockTime, DaySelector, ScheduleIr, ScheduleStep } from '../ir.js';
import { emitOmniCron, range, windowHours } from '../emit.js';
import {
  FALLBACK_SUGGESTION,
  buildAmbiguousRefusal,
  buildBoundsRefusal,
  buildCalendarRefusal,
  buildInvalidDateTimeRefusal,
  buildNotScheduleRefusal,
  buildOneOffRefusal,
  renderPhrase,
  renderTime,
} from '../refusals.js';
import type { Token } from '../normalise.js';
import type { ScheduleRefusal } from '../types.js';
import { readTokens, unknownTokens } from './reader.js';
import { PERIOD_DEFAULT, RANK } from './state.js';
import type { Flag, Period, PhraseState, RawTime } from './state.js';

export type PhraseParse =
  | { ok: true; ir: ScheduleIr }
  | {
      ok: false;
      refusal: ScheduleRefusal;
      /** A refusal only because nothing said "repeat" (a bare time, one weekday): not worth showing in free text. */
      weak: boolean;
      /** Words no rule read (find-in-text uses spans with none). */
      unknown: number;
    };

/** Hours a part of the day suggests when a repeat is limited to it (only ever offered, never assumed). */
const PERIOD_WINDOW: Record<Period, { from: ClockTime; to: ClockTime }> = {
  morning: { from: { hour: 8, minute: 0 }, to: { hour: 12, minute: 0 } },
  afternoon: { from: { hour: 12, minute: 0 }, to: { hour: 17, minute: 0 } },
  evening: { from: { hour: 17, minute: 0 }, to: { hour: 21, minute: 0 } },
  night: { from: { hour: 22, minute: 0 }, to: { hour: 6, minute: 0 } },
};

/** "9:00 AM": how assumed values are shown. */
function clock(t: ClockTime): string {
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  return `${h12}:${String(t.minute).padStart(2, '0')} ${t.hour < 12 ? 'AM' : 'PM'}`;
}

/** The words no rule understood, as typed (first to last). */
function unknownText(s: PhraseState): string | null {
  const unknown = unknownTokens(s);
  if (unknown.length === 0) return null;
  return s.text.slice((unknown[0] as { start: number }).start, (unknown[unknown.length - 1] as { end: number }).end);
}

/** Ends one part: a refusal flagged while reading, unknown words, a convention's refusal, or the form. */
export function finish(s: PhraseState): PhraseParse {
  const unknown = unknownTokens(s);
  const built = buildIr(s);
  const rest = built.ir;
  // Something of a schedule was said (not only defaults): alternatives build on it, else they offer the fallback.
  const restSaid = s.said && (s.times.length > 0 || s.periods.length > 0 || rest.days.length > 0 || !!rest.step || s.repeating || s.months.size > 0);
  // A condition, a holiday calendar, an end date or a one-off explains the phrase best, even
  // around words no rule read ("when revenue drops"); the alternative comes from what is left without those words.
  const top = [...s.flags].sort((a, b) => a.rank - b.rank)[0];
  if (top && top.rank <= RANK.oneOff && unknown.length > 0) {
    const clean = withoutUnknown(s);
    const cleanRest = clean ? buildIr(readTokens(clean, s.text)).ir : rest;
    return { ok: false, refusal: top.build(cleanRest, restSaid), weak: false, unknown: unknown.length };
  }
  // Other words no rule understood: refused, naming them. The alternative comes from what is left without them
  // (and without the numbers next to them: "top 5" is never 5 PM).
  if (unknown.length > 0 || !s.said) {
    return {
      ok: false,
      refusal: buildNotScheduleRefusal(s.said ? unknownText(s) : null, s.said ? alternativeWithout(s) : FALLBACK_SUGGESTION),
      weak: false,
      unknown: unknown.length,
    };
  }
  if (s.flags.length > 0) {
    const top = [...s.flags].sort((a, b) => a.rank - b.rank)[0] as Flag;
    return { ok: false, refusal: top.build(rest, restSaid), weak: top.weak ?? false, unknown: 0 };
  }
  if (built.refusal) return { ok: false, refusal: built.refusal, weak: false, unknown: 0 };
  // "on the 3rd of next month", "the 15th this month": a date in one month, not every month
  if (s.nextPeriod && !s.everySaid && !s.frequency && !s.step) {
    return { ok: false, refusal: buildOneOffRefusal(renderPhrase(rest)), weak: false, unknown: 0 };
  }
  // "every monday next month": a repeat that stops after one month is an end date
  if (s.nextPeriod) return { ok: false, refusal: buildBoundsRefusal(renderPhrase(rest)), weak: false, unknown: 0 };
  // "every now", "each tomorrow": a one-off word with nothing that repeats around it
  const content = s.times.length > 0 || s.periods.length > 0 || s.weekdays.size > 0 || s.selectors.length > 0 || !!s.frequency || !!s.step || !!s.windowRaw;
  if (s.oneOffHint && !content) {
    return { ok: false, refusal: buildOneOffRefusal(FALLBACK_SUGGESTION), weak: false, unknown: 0 };
  }
  // Does anything say "again and again"? A date ("june 3rd") or one weekday ("on friday") alone does not.
  const repeating =
    s.repeating || !!s.frequency || !!s.step || s.businessHours ||
    s.selectors.some((sel) => !(sel.kind === 'monthDays' && s.pinnedDate));
  if (!repeating || (s.oneOffHint && !s.repeating && !s.frequency)) {
    if (s.oneOffHint || s.pinnedDate || s.years.size > 0) {
      const suggestion = renderPhrase({ ...rest, years: [] });
      return { ok: false, refusal: buildOneOffRefusal(s.pinnedDate ? suggestion.replace(/^on /, 'every year on ') : suggestion), weak: false, unknown: 0 };
    }
    const question = s.weakDay ? 'Every week on that day, or just once?' : 'Every day at that time, or just once?';
    return { ok: false, refusal: buildAmbiguousRefusal(question, renderPhrase(rest)), weak: true, unknown: 0 };
  }
  return { ok: true, ir: rest };
}

/** Something to offer instead of a phrase with unknown words: the phrase read again without them. */
function alternativeWithout(s: PhraseState): string {
  const kept = withoutUnknown(s);
  if (!kept) return FALLBACK_SUGGESTION;
  const again = finish(readTokens(kept, s.text));
  if (!again.ok) return again.refusal.code === 'not_a_schedule' ? FALLBACK_SUGGESTION : again.refusal.alternative;
  // what is left may itself be something one cron can't say ("every 90 minutes"): then its alternative
  const emitted = emitOmniCron(again.ir);
  return emitted.ok ? renderPhrase(again.ir) : emitted.refusal.alternative;
}

/** The tokens without the unknown words and the numbers right next to them; null when nothing is left. */
function withoutUnknown(s: PhraseState): Token[] | null {
  const drop = new Set<number>();
  s.roles.forEach((role, k) => {
    if (role !== 'unknown') return;
    drop.add(k);
    // an exception we could not read never turns into what to run on: drop what follows it
    const tok = s.t[k];
    if (tok?.kind === 'word' && ['except', 'but', 'not', 'skip', 'skipping', 'excluding', 'exclude', 'without', 'sans', 'expect', 'besides'].includes(tok.text)) {
      for (let j = k + 1; j < s.t.length; j++) drop.add(j);
    }
    for (const near of [k - 1, k + 1]) {
      const t = s.t[near];
      const before = s.t[near - 1];
      const saidAt = before?.kind === 'word' && (before.text === 'at' || before.text === 'by');
      if (t && (t.kind === 'number' || t.kind === 'ordinal' || t.kind === 'time') && !saidAt) drop.add(near);
    }
  });
  const kept = s.t.filter((_, k) => !drop.has(k));
  return kept.length > 0 ? kept : null;
}

/** A typed time on the 24-hour clock, by the conventions; null when no clock has it ("25:00", "13pm"). */
export function resolveTime(raw: RawTime, period?: Period): ClockTime | null {
  let h = raw.hour;
  const m = raw.minute;
  if (m > 59 || !Number.isInteger(h) || h < 0) return null;
  if (raw.meridiem) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (raw.meridiem === 'pm' ? 12 : 0);
  } else if (raw.twentyFour || h === 0 || h > 12) {
    if (h === 24 && m === 0) h = 0;
    if (h > 23) return null;
  } else {
    const p = raw.period ?? period;
    if (p === 'morning') h = h === 12 ? 0 : h;
    else if (p === 'afternoon' || p === 'evening') h = h === 12 ? 12 : h + 12;
    else if (p === 'night') h = h === 12 ? 0 : h < 5 ? h : h + 12;
    else h = h >= 7 && h <= 11 ? h : h === 12 ? 12 : h + 12;
  }
  let total = h * 60 + m + (raw.delta ?? 0);
  total = ((total % 1440) + 1440) % 1440;
  return { hour: Math.floor(total / 60), minute: total % 60 };
}

/** True when am/pm of a typed time came from the convention, not from the words. */
function guessedMeridiem(raw: RawTime, period?: Period): boolean {
  return !raw.meridiem && !raw.twentyFour && !raw.assumed && raw.hour >= 1 && raw.hour <= 11 && !(raw.period ?? period);
}

/** The fixed times an hour step runs at (for joins and "except at 1pm"); null for minute steps. */
export function expandHourStep(step: ScheduleStep): ClockTime[] | null {
  if (step.unit !== 'hour' || !Number.isInteger(step.every) || step.every < 1 || 24 % step.every !== 0) return null;
  const minute = step.minute ?? step.anchor?.minute ?? step.window?.from.minute ?? 0;
  const hours = step.window
    ? windowHours(step.window.from, step.window.to, step.every, true, minute)
    : step.anchor
      ? range(step.anchor.hour % step.every, 23, step.every)
      : range(0, 23, step.every);
  return hours.map((hour) => ({ hour, minute }));
}

const sameTime = (a: ClockTime, b: ClockTime) => a.hour === b.hour && a.minute === b.minute;

/** Applies the conventions and returns the intermediate form (with a refusal when a convention cannot apply). */
export function buildIr(s: PhraseState): { ir: ScheduleIr; refusal?: ScheduleRefusal } {
  let refusal: ScheduleRefusal | undefined;
  const assumed: string[] = [];
  const period = s.periods.length === 1 ? s.periods[0] : undefined;
  const resolve = (raw: RawTime): ClockTime => {
    const t = resolveTime(raw, period);
    if (t) {
      if (raw.assumed) assumed.push(`“${raw.assumed}” read as ${clock(t)}`);
      else if (guessedMeridiem(raw, period)) assumed.push(`“${raw.text}” read as ${clock(t)}`);
      return t;
    }
    refusal ??= buildInvalidDateTimeRefusal(`The time "${raw.text}"`, 'every day at 9am');
    return { hour: 9, minute: 0 };
  };
  let times = s.times.map(resolve);
  if (times.length === 0 && s.periods.length > 0) {
    times = s.periods.map((p) => ({ hour: PERIOD_DEFAULT[p], minute: 0 }));
    for (const [k, p] of s.periods.entries()) assumed.push(`“${p}” read as ${clock(times[k] as ClockTime)}`);
  }

  if (s.otherZone) {
    refusal ??= buildAmbiguousRefusal(
      `That names two time zones (${s.zone as string} and ${s.otherZone}); a schedule follows one. Which one?`,
      renderPhrase({ times: times.length > 0 ? [times[0] as ClockTime] : [], days: [], months: [], years: [], zone: s.zone as string }),
    );
  }

  // days
  const selectors: DaySelector[] = [...s.selectors];
  let weekdays = [...s.weekdays];
  if (s.businessHours && weekdays.length === 0 && selectors.length === 0) weekdays = [2, 3, 4, 5, 6];
  if (s.exceptDays.size > 0 && s.exceptMonthDays.size > 0) {
    refusal ??= buildCalendarRefusal(
      'skipping days of the week and dates of the month at once',
      renderPhrase({ times, days: [{ kind: 'weekdays', days: [1, 2, 3, 4, 5, 6, 7].filter((d) => !s.exceptDays.has(d)) }], months: [], years: [] }),
    );
  }
  if (s.exceptDays.size > 0 && selectors.length > 0 && weekdays.length === 0) {
    // "on days 1-5 except weekends": dates and weekdays are two day fields; one cron can't take weekdays out of dates
    refusal ??= buildCalendarRefusal('leaving weekdays out of dates of the month', renderPhrase({ times, days: selectors, months: [...s.months], years: [] }));
  }
  if (s.exceptDays.size > 0) {
    if (weekdays.length === 0 && selectors.length === 0) weekdays = [1, 2, 3, 4, 5, 6, 7];
    weekdays = weekdays.filter((d) => !s.exceptDays.has(d));
    if (weekdays.length === 0 && (s.weekdays.size > 0 || selectors.length === 0)) refusal ??= buildNotScheduleRefusal(null, FALLBACK_SUGGESTION);
  }
  if (s.exceptMonthDays.size > 0) {
    const dates = selectors.filter((sel): sel is Extract<DaySelector, { kind: 'monthDays' }> => sel.kind === 'monthDays');
    const others = selectors.filter((sel) => sel.kind !== 'monthDays');
    if (others.length > 0 || (weekdays.length > 0 && weekdays.length < 7)) {
      refusal ??= buildCalendarRefusal('skipping dates of the month on a weekday schedule', renderPhrase({ times, days: selectors.length > 0 ? selectors : [{ kind: 'weekdays', days: weekdays }], months: [], years: [] }));
    } else {
      const base = dates.length > 0 ? dates.flatMap((d) => d.days) : range(1, 31);
      const kept = base.filter((d) => !s.exceptMonthDays.has(d));
      selectors.length = 0;
      if (kept.length === 0) refusal ??= buildNotScheduleRefusal(null, FALLBACK_SUGGESTION);
      else selectors.push({ kind: 'monthDays', days: [...new Set(kept)].sort((a, b) => a - b) });
      weekdays = [];
    }
  }
  if (weekdays.length > 0 && weekdays.length < 7) selectors.push({ kind: 'weekdays', days: weekdays.sort((a, b) => a - b) });
  else if (weekdays.length === 7 && selectors.length > 0) selectors.push({ kind: 'weekdays', days: weekdays });

  // months
  let months = [...s.months];
  const freq = s.frequency;
  if (freq === 'quarterly') {
    const atEnd = s.quarterEnd || selectors.some((sel) => sel.kind === 'lastDay' || sel.kind === 'lastBusinessDay' || sel.kind === 'lastOfWeekday');
    const base = atEnd ? [3, 6, 9, 12] : [1, 4, 7, 10];
    if (months.length === 0) assumed.push(`each quarter read as ${atEnd ? 'March, June, September and December' : 'January, April, July and October'}`);
    months = months.length > 0 ? months : base;
  } else if (freq === 'halfYearly') {
    if (months.length === 0) assumed.push('twice a year read as January and July');
    months = months.length > 0 ? months : [1, 7];
  } else if (freq === 'yearly' && months.length === 0) {
    // "the last day of the year" is in December; "the first monday of the year" in January
    const last = selectors.some((sel) => sel.kind === 'lastDay' || sel.kind === 'lastBusinessDay' || sel.kind === 'lastOfWeekday');
    months = [last ? 12 : 1];
    if (selectors.length === 0) assumed.push('yearly read as 1 January');
  }
  let step = s.step;
  if (step?.unit === 'month' && s.startMonth !== undefined) step = { ...step, anchorMonth: s.startMonth };
  else if (s.startMonth !== undefined) {
    refusal ??= buildBoundsRefusal(renderPhrase({ times, days: selectors, months, years: [...s.years], ...(s.zone ? { zone: s.zone } : {}) }));
  }
  if (s.exceptMonths.size > 0) {
    if (months.length === 0) months = range(1, 12);
    months = months.filter((m) => !s.exceptMonths.has(m));
  }
  months.sort((a, b) => a - b);
  if (months.length === 12) months = [];

  // default days for month-level frequencies: the 1st
  const monthLevel = freq === 'monthly' || freq === 'quarterly' || freq === 'halfYearly' || freq === 'yearly' || step?.unit === 'month' || step?.unit === 'year' ||
    (s.months.size > 0 && !s.frequency && !step && selectors.length === 0 && s.exceptDays.size === 0 && !repeatingDaily(s));
  if (selectors.length === 0 && monthLevel) {
    selectors.push({ kind: 'monthDays', days: [1] });
    if (freq !== 'yearly') assumed.push('no day given: the 1st of the month');
  }
  if (freq === 'weekly' && selectors.length === 0) {
    selectors.push({ kind: 'weekdays', days: [2] });
    assumed.push('no day given: Monday');
  }
  // "monthly on mondays": which monday?
  if (freq === 'monthly' && selectors.length === 1 && selectors[0]?.kind === 'weekdays' && !s.pinnedDate) {
    const sel = selectors[0];
    refusal ??= buildAmbiguousRefusal(
      'Every week on that day, or once a month? For once a month, say which one (first, second… last).',
      renderPhrase({ times, days: [{ kind: 'nthWeekday', weekday: sel.days[0] as number, nth: 1 }], months, years: [] }),
    );
  }
  // "every year on 2026-07-01": every year, or only that one date?
  if (s.dateYear !== undefined && (s.frequency === 'yearly' || s.repeating)) {
    refusal ??= buildAmbiguousRefusal(`Every year, or only once in ${s.dateYear}?`, renderPhrase({ times, days: selectors, months, years: [] }));
  }
  // "twice daily at 7 and 3" says which times; "twice a day" alone does not
  if (s.timesPer) refusal ??= checkTimesPer(s, times, selectors, months);

  // steps: windows and anchors
  if (step && (step.unit === 'minute' || step.unit === 'hour')) {
    const windowRaw = s.windowRaw ?? (s.businessHours ? { from: { hour: 9, minute: 0, twentyFour: true, text: '9' }, to: { hour: 17, minute: 0, twentyFour: true, text: '17' } } : undefined);
    if (windowRaw) {
      const from = resolve(windowRaw.from);
      let to = windowRaw.to ? resolve(windowRaw.to) : { hour: 23, minute: 59 };
      // "from 6 to 10": bare end hour read as the same half of the day as the start when that keeps it after the start
      // ("between 8 and 8" is 8 AM to 8 PM)
      if (windowRaw.to && to.hour <= from.hour && !windowRaw.to.meridiem && !windowRaw.to.twentyFour && to.hour + 12 <= 23 && to.hour + 12 > from.hour) {
        to = { ...to, hour: to.hour + 12 };
      }
      step = { ...step, window: { from, to } };
    }
  }
  // "every 2 hours at night", "every hour in the morning": which hours is a question, not the whole day
  if (step && (step.unit === 'minute' || step.unit === 'hour') && !s.windowRaw && !s.businessHours && s.periods.length > 0 && s.times.length === 0) {
    const p = s.periods[0] as Period;
    const span = PERIOD_WINDOW[p];
    refusal ??= buildAmbiguousRefusal(
      `Which hours count as the ${p}? Say them, for example:`,
      renderPhrase({ times: [], step: { ...step, window: span }, days: selectors, months, years: [...s.years] }),
    );
  }
  // "every hour from 9 to 11 and at 3pm": the window's hours and the fixed times together, when they share a minute
  let unioned = false;
  if (step && step.window && s.windowRaw && times.length > 0 && !s.anchorRaw) {
    const hours = step.unit === 'hour' ? expandHourStep(step) : null;
    if (hours) {
      unioned = true;
      times = [...hours, ...times.filter((t) => !hours.some((h) => sameTime(h, t)))].sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
      step = undefined;
    } else {
      refusal ??= buildAmbiguousRefusal('A repeat every few minutes, and fixed times too: which one?', renderPhrase({ times: [], step: { ...step }, days: selectors, months, years: [...s.years] }));
    }
  }
  if (step && (step.unit === 'minute' || step.unit === 'hour')) {
    const windowRaw = s.windowRaw ?? (s.businessHours ? { from: { hour: 9, minute: 0, twentyFour: true, text: '9' }, to: { hour: 17, minute: 0, twentyFour: true, text: '17' } } : undefined);
    const anchorRaw = s.anchorRaw ?? (times.length === 1 && !windowRaw ? s.times[0] : undefined);
    if (anchorRaw) step = { ...step, anchor: resolve(anchorRaw) };
    else if (s.times.length === 1 && !step.window) step = { ...step, anchor: times[0] as ClockTime };
    if (s.minuteMark !== undefined) step = { ...step, minute: s.minuteMark };
    if (s.times.length <= 1) times = [];
    else refusal ??= buildAmbiguousRefusal('A repeat every few minutes or hours, and fixed times too: which one?', renderPhrase({ times, days: selectors, months, years: [...s.years] }));
  } else {
    if (s.windowRaw && !unioned) {
      refusal ??= buildAmbiguousRefusal(
        'How often between those times?',
        renderPhrase({ times: [], step: { unit: 'hour', every: 1, window: { from: resolve(s.windowRaw.from), to: s.windowRaw.to ? resolve(s.windowRaw.to) : { hour: 17, minute: 0 } } }, days: selectors, months, years: [] }),
      );
    }
    if (s.businessHours && !s.windowRaw && times.length === 0) {
      refusal ??= buildAmbiguousRefusal('How often during business hours?', 'every hour during business hours');
    }
    if (s.minuteMark !== undefined && times.length === 0) times = [{ hour: 9, minute: s.minuteMark }];
    if (s.anchorRaw && times.length === 0) times = [resolve(s.anchorRaw)];
  }
  // "except at 1pm", "except between 12 and 2": fixed times (an hour step becomes its list of times) without those
  if (s.exceptTimes.length > 0 || s.exceptWindows.length > 0) {
    const windowHoursOut = s.exceptWindows.flatMap((x) => {
      // "between 1 and 5am": the end's am/pm goes for a bare start too, when that keeps the start first
      const start = !x.from.meridiem && !x.from.twentyFour && x.to.meridiem && x.from.hour <= 12 && x.from.hour <= x.to.hour ? { ...x.from, meridiem: x.to.meridiem } : x.from;
      const from = resolve(start);
      let to = resolve(x.to);
      if (to.hour < from.hour && !x.to.meridiem && !x.to.twentyFour && to.hour + 12 > from.hour && to.hour + 12 <= 23) to = { ...to, hour: to.hour + 12 };
      return windowHours(from, to, 1, true).map((hour) => ({ hour, minute: -1 }));
    });
    const excluded = [...s.exceptTimes.map(resolve), ...windowHoursOut];
    const base = step && (step.unit === 'minute' || step.unit === 'hour') ? expandHourStep(step) : times.length > 0 ? times : null;
    if (!base) {
      refusal ??= buildAmbiguousRefusal('Leaving out one time works for hourly schedules and fixed times, not for minute steps. Which times should it run?', renderPhrase({ times: [], step: { unit: 'hour', every: 1 }, days: selectors, months, years: [] }));
    } else {
      // a window leaves out whole hours (minute -1 matches any minute of that hour)
      const kept = base.filter((t) => !excluded.some((x) => sameTime(x, t) || (x.minute === -1 && x.hour === t.hour)));
      if (kept.length === base.length) {
        refusal ??= buildAmbiguousRefusal(`It doesn't run at ${excluded.filter((x) => x.minute >= 0).map(renderTime).join(' or ') || 'those hours'} anyway. What should be left out?`, renderPhrase({ times: base, step: undefined, days: selectors, months, years: [] }));
      } else if (kept.length === 0) refusal ??= buildNotScheduleRefusal(null, FALLBACK_SUGGESTION);
      step = undefined;
      times = kept;
    }
  }
  if (times.length === 0 && (!step || (step.unit !== 'minute' && step.unit !== 'hour'))) {
    times = [{ hour: 9, minute: 0 }];
    if (s.said) assumed.push('no time given: 9:00 AM');
  }
  if (s.times.length > 1 && new Set(times.map((t) => t.hour * 60 + t.minute)).size < times.length) {
    times = [...new Map(times.map((t) => [t.hour * 60 + t.minute, t])).values()];
  }
  const ir: ScheduleIr = {
    times,
    ...(step ? { step } : {}),
    days: selectors,
    months,
    years: [...s.years].sort((a, b) => a - b),
    ...(s.zone ? { zone: s.zone } : {}),
    ...(assumed.length > 0 ? { assumed: [...new Set(assumed)] } : {}),
  };
  return refusal ? { ir, refusal } : { ir };
}

/** "twice a day" with two times given is fine; without them the person has to say which. */
function checkTimesPer(s: PhraseState, times: ClockTime[], selectors: DaySelector[], months: number[]): ScheduleRefusal | undefined {
  const per = s.timesPer as TimesPer;
  const monthDays = selectors.flatMap((sel) => (sel.kind === 'monthDays' ? sel.days : []));
  const weekdays = selectors.flatMap((sel) => (sel.kind === 'weekdays' ? sel.days : []));
  const said = per.unit === 'day' ? s.times.length : per.unit === 'week' ? weekdays.length : per.unit === 'month' ? monthDays.length : -1;
  if (said === per.count) return undefined;
  return buildTimesPerRefusal(per, { times, days: selectors, months, years: [] });
}

export interface TimesPer {
  count: number;
  unit: string;
}

/** "twice a day": which times? With a suggestion that keeps the rest of what was said. */
export function buildTimesPerRefusal(per: TimesPer, rest: ScheduleIr): ScheduleRefusal {
  const n = per.count;
  const question =
    per.unit === 'day' ? `Which ${n} times of day?` : per.unit === 'week' ? `Which ${n} days of the week?` : per.unit === 'month' ? `Which ${n} days of the month?` : `At which ${n} times?`;
  let suggestion: string;
  if (per.unit === 'day') {
    const options = [9, 17, 13, 21].slice(0, Math.min(n, 4)).sort((a, b) => a - b);
    suggestion = renderPhrase({ ...rest, step: undefined, times: options.map((hour) => ({ hour, minute: 0 })) });
  } else if (per.unit === 'week') {
    // keep the days that were named ("twice a week on monday" → monday and thursday)
    const given = rest.days.flatMap((d) => (d.kind === 'weekdays' ? d.days : []));
    const spread = [...given];
    for (const d of n >= 3 ? [2, 4, 6, 3, 5] : [3, 6, 2, 5, 4]) if (spread.length < n && !spread.some((g) => Math.abs(g - d) < 2)) spread.push(d);
    for (const d of [2, 3, 4, 5, 6, 7, 1]) if (spread.length < n && !spread.includes(d)) spread.push(d);
    suggestion = renderPhrase({ ...rest, days: [{ kind: 'weekdays', days: spread.slice(0, Math.max(n, given.length)) }] });
  } else if (per.unit === 'month') {
    suggestion = renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1, 15] }] });
  } else suggestion = FALLBACK_SUGGESTION;
  return buildAmbiguousRefusal(question, suggestion);
}

export function repeatingDaily(s: PhraseState): boolean {
  return s.frequency === 'daily' || s.weekdays.size > 0;
}

