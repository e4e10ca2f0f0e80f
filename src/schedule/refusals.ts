/**
 * Refusals: one code from the closed set, a plain reason, and an alternative the person can type straight back
 * (docs/schedules.md §5). Alternatives are rendered from the intermediate form, so they keep
 * whatever else the person asked for ("every monday at 9am until december" → "every monday at 9am").
 */
import type { ClockTime, DaySelector, ScheduleIr } from './ir.js';
import type { RefusalCode, ScheduleRefusal } from './types.js';

export const FALLBACK_SUGGESTION = 'every weekday at 9am';

export function buildRefusal(code: RefusalCode, message: string, alternative: string): ScheduleRefusal {
  return { code, message, alternative };
}

const DAY_WORDS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH_WORDS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
];

export function renderOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const NTH_WORDS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

/** "9am", "9:30pm", "noon", "midnight" — a time the grammar reads back unchanged. */
export function renderTime(t: ClockTime): string {
  if (t.minute === 0 && t.hour === 12) return 'noon';
  if (t.minute === 0 && t.hour === 0) return 'midnight';
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const mer = t.hour < 12 ? 'am' : 'pm';
  return t.minute === 0 ? `${h12}${mer}` : `${h12}:${String(t.minute).padStart(2, '0')}${mer}`;
}

export function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`;
}

function renderWeekdays(days: number[]): string {
  const set = [...new Set(days)].sort((a, b) => ((a + 5) % 7) - ((b + 5) % 7));
  const key = [...set].sort().join(',');
  if (set.length === 7) return 'every day';
  if (key === '2,3,4,5,6') return 'every weekday';
  if (key === '1,7') return 'every weekend';
  return `every ${joinList(set.map((d) => DAY_WORDS[d - 1] as string))}`;
}

function renderDays(sel: DaySelector, months: number[]): string {
  const scope = months.length === 0 ? ' of every month' : '';
  switch (sel.kind) {
    case 'weekdays':
      return renderWeekdays(sel.days);
    case 'monthDays':
      return `on the ${joinList(sel.days.map(renderOrdinal))}${scope}`;
    case 'lastDay':
      return `on the last day${scope}`;
    case 'lastBusinessDay':
      return `on the last business day${scope}`;
    case 'nearestWeekday':
      return sel.day === 1 ? `on the first business day${scope}` : `on the weekday nearest the ${renderOrdinal(sel.day)}${scope}`;
    case 'nthWeekday':
      return `on the ${NTH_WORDS[sel.nth] ?? renderOrdinal(sel.nth)} ${DAY_WORDS[sel.weekday - 1] as string}${scope}`;
    case 'lastOfWeekday':
      return `on the last ${DAY_WORDS[sel.weekday - 1] as string}${scope}`;
  }
}

/**
 * The intermediate form as a phrase the grammar reads back to the same schedule. Used for alternatives only,
 * so it favours plain, typeable words over brevity.
 */
export function renderPhrase(ir: ScheduleIr): string {
  const parts: string[] = [];
  const step = ir.step;
  if (step && (step.unit === 'minute' || step.unit === 'hour')) {
    const unit = step.unit === 'minute' ? 'minutes' : 'hours';
    parts.push(step.every === 1 ? `every ${step.unit}` : `every ${step.every} ${unit}`);
    if (step.window) parts.push(`from ${renderTime(step.window.from)} to ${renderTime(step.window.to)}`);
    else if (step.anchor) parts.push(`starting at ${renderTime(step.anchor)}`);
  }
  const [first] = ir.days;
  const stepped = !!step && (step.unit === 'minute' || step.unit === 'hour');
  if (first?.kind === 'weekdays' && stepped) {
    // "every 2 hours on weekdays" reads better than "every 2 hours every weekday" (and reads back the same)
    const days = renderDays(first, ir.months).replace(/^every (weekday|weekend)$/, 'on $1s').replace(/^every /, 'on ').replace(/day\b(?!s)/g, 'days');
    if (first.days.length < 7) parts.push(days);
  } else if (first) parts.push(renderDays(first, ir.months));
  else if (!stepped) parts.push('every day');
  if (ir.months.length > 0 && ir.months.length < 12) parts.push(`in ${joinList(ir.months.map((m) => MONTH_WORDS[m - 1] as string))}`);
  if (ir.years.length > 0) parts.push(`in ${joinList(ir.years.map(String))}`);
  if (!step || (step.unit !== 'minute' && step.unit !== 'hour')) {
    const times = ir.times.length > 0 ? ir.times : [{ hour: 9, minute: 0 }];
    parts.push(`at ${joinList(times.map(renderTime))}`);
  }
  if (ir.zone) parts.push(ir.zone);
  return parts.join(' ');
}

// ---- builders, one a refusal code (plus variants where the reason differs) ----

export function buildOneOffRefusal(suggestion: string): ScheduleRefusal {
  return buildRefusal(
    'one_off',
    "That's a single time, not a repeating schedule. A routine runs on a schedule; to run it once, create it and use Run now, or pick a repeating time.",
    suggestion,
  );
}

export function buildSkipWeeksRefusal(suggestion: string): ScheduleRefusal {
  return buildRefusal(
    'interval_not_expressible',
    "Omni schedules can't skip weeks. I can do every week on that day, or the 1st and 3rd of that weekday as two schedules.",
    suggestion,
  );
}

export function buildDayCountRefusal(suggestion: string): ScheduleRefusal {
  return buildRefusal(
    'interval_not_expressible',
    "Omni can't count days across months. I can do set weekdays (for example Monday, Wednesday and Friday), or set days of the month.",
    suggestion,
  );
}

export function buildMinuteStepRefusal(minutes: number, suggestion: string): ScheduleRefusal {
  const hours = minutes % 60 === 0 ? minutes / 60 : undefined;
  const what = hours !== undefined ? `every ${hours} hours` : `every ${minutes} minutes`;
  const period = hours !== undefined ? 'day' : 'hour';
  const twoSchedules =
    minutes === 90 ? ' Exactly 90 minutes is possible as two schedules (00:00, 03:00, … and 01:30, 04:30, …).' : '';
  return buildRefusal(
    'interval_not_expressible',
    `Cron restarts its count every ${period}, so one schedule can't run exactly ${what}.${twoSchedules}`,
    suggestion,
  );
}

export function buildMonthStepRefusal(months: number, suggestion: string): ScheduleRefusal {
  return buildRefusal(
    'interval_not_expressible',
    `Cron restarts its count every year, so one schedule can't run exactly every ${months} months. Name the months instead.`,
    suggestion,
  );
}

export function buildYearStepRefusal(suggestion: string): ScheduleRefusal {
  return buildRefusal('interval_not_expressible', "Omni schedules can't skip years. I can do once a year, or name the years.", suggestion);
}

export function buildMultipleSchedulesRefusal(why: string, suggestion: string): ScheduleRefusal {
  return buildRefusal('needs_multiple_schedules', `${why} One Omni schedule can't do both; this needs two routines. Start with the first:`, suggestion);
}

export function buildTooFrequentRefusal(minInterval: number, suggestion: string): ScheduleRefusal {
  const floor = minInterval % 60 === 0 ? (minInterval === 60 ? 'once an hour' : `every ${minInterval / 60} hours`) : `every ${minInterval} minutes`;
  return buildRefusal('too_frequent', `Routines can run at most ${floor} here, and that would run more often.`, suggestion);
}

export function buildAmbiguousRefusal(question: string, suggestion: string): ScheduleRefusal {
  return buildRefusal('ambiguous', question, suggestion);
}

export function buildCalendarRefusal(what: string, suggestion: string): ScheduleRefusal {
  return buildRefusal('unsupported_calendar', `Schedules can't follow ${what}; they only know weekdays, dates and months.`, suggestion);
}

export function buildBoundsRefusal(suggestion: string): ScheduleRefusal {
  return buildRefusal(
    'unsupported_bounds',
    'Omni schedules have no start or end date. I can set up the repeating part now; pause or delete the routine when it should stop.',
    suggestion,
  );
}

export function buildInvalidDateTimeRefusal(what: string, suggestion: string): ScheduleRefusal {
  return buildRefusal('invalid_datetime', `${what} doesn't exist on the calendar or the clock.`, suggestion);
}

export function buildDialectRefusal(why: string, suggestion: string): ScheduleRefusal {
  return buildRefusal('dialect_unsupported', why, suggestion);
}

export function buildEventTriggerRefusal(suggestion = FALLBACK_SUGGESTION): ScheduleRefusal {
  return buildRefusal(
    'event_trigger',
    "That's a condition, not a time: use an Omni alert on the dashboard (it fires when results appear or change). A routine can check on a schedule instead:",
    suggestion,
  );
}

const UNREAD_WORDS = "I couldn't read";

/** True for the refusal that names words no rule understood (a schedule was being said), not "no schedule at all". */
export function namesUnreadWords(refusal: { code: string; message: string }): boolean {
  return refusal.code === 'not_a_schedule' && refusal.message.startsWith(UNREAD_WORDS);
}

export function buildNotScheduleRefusal(what: string | null, suggestion: string): ScheduleRefusal {
  const message = what
    ? `${UNREAD_WORDS} "${what}" as part of a schedule. Try a phrase like the one below.`
    : "That doesn't look like a schedule. Say when it should run, for example:";
  return buildRefusal('not_a_schedule', message, suggestion);
}
