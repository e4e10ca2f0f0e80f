/**
 * Omni crons in plain English, in our own wording ("Weekdays at 9:00 AM", "Every 2 hours from 9:00 AM to
 * 5:00 PM on weekdays", "On the first Monday of the month at 8:30 AM"). Works from the field values, not the
 * spelling, so `2-6` and `MON-FRI` read the same. Never throws: odd combinations get plainer wording.
 */
import { isEveryValue, isRestricted, readFieldValues } from './cron.js';
import type { CronFieldName } from './cron.js';
import type { CronField, OmniCron } from './types.js';

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const NTH_WORDS = ['first', 'second', 'third', 'fourth', 'fifth'];

/** "9:00 AM", "12:00 PM" (noon), "12:00 AM" (midnight). */
export function formatClockTime(hour: number, minute: number): string {
  const suffix = hour < 12 ? 'AM' : 'PM';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${h12}:${String(minute).padStart(2, '0')} ${suffix}`;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function formatOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

export function weekdayName(value: number): string {
  return WEEKDAY_NAMES[value - 1] ?? `day ${value}`;
}

export function monthName(value: number): string {
  return MONTH_NAMES[value - 1] ?? `month ${value}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function minuteMark(minute: number): string {
  return `:${String(minute).padStart(2, '0')}`;
}

/** The common step of an ascending list with 2+ values, or undefined. */
function commonStep(values: number[]): number | undefined {
  if (values.length < 2) return undefined;
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return values.every((v, i) => i === 0 || v - (values[i - 1] ?? 0) === step) ? step : undefined;
}

/** A step that repeats through the whole field (`0/15`, `5/15`, `1/2`): first < step and last + step > max. */
function wholeFieldStep(values: number[], max: number): number | undefined {
  const step = commonStep(values);
  if (step === undefined) return undefined;
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  return first < step && last + step > max ? step : undefined;
}

interface TimePhrase {
  /** Fixed times read "<days> at …"; repeating ones read "<every …> <on days>". */
  repeating: boolean;
  text: string;
}

function describeTimes(minutes: number[], hours: number[]): TimePhrase {
  const everyMinute = minutes.length === 60;
  const everyHour = hours.length === 24;
  const minuteStep = wholeFieldStep(minutes, 59);
  const firstMinute = minutes[0] ?? 0;
  const lastMinute = minutes[minutes.length - 1] ?? 0;
  const firstHour = hours[0] ?? 0;
  const lastHour = hours[hours.length - 1] ?? 0;

  let withinHour: string;
  if (everyMinute) withinHour = 'every minute';
  else if (minuteStep !== undefined && firstMinute === 0) withinHour = `every ${minuteStep} minutes`;
  else if (minuteStep !== undefined) withinHour = `every ${minuteStep} minutes (${minutes.map(minuteMark).join(', ')})`;
  else if (minutes.length === 1) withinHour = firstMinute === 0 ? 'every hour' : `every hour at ${minuteMark(firstMinute)}`;
  else withinHour = `every hour at ${joinWords(minutes.map(minuteMark))}`;

  if (everyHour) return { repeating: true, text: withinHour };

  const times = hours.flatMap((h) => minutes.map((m) => formatClockTime(h, m)));
  const hourStep = commonStep(hours);
  if (minutes.length === 1) {
    const fullDay = hourStep !== undefined && wholeFieldStep(hours, 23) !== undefined && firstHour === 0;
    if (fullDay) {
      const every = hourStep === 1 ? 'every hour' : `every ${hourStep} hours`;
      return { repeating: true, text: firstMinute === 0 ? every : `${every} at ${minuteMark(firstMinute)}` };
    }
    if (hourStep !== undefined && (hours.length >= 4 || (hourStep === 1 && hours.length >= 3))) {
      const every = hourStep === 1 ? 'every hour' : `every ${hourStep} hours`;
      return {
        repeating: true,
        text: `${every} from ${formatClockTime(firstHour, firstMinute)} to ${formatClockTime(lastHour, firstMinute)}`,
      };
    }
    return { repeating: false, text: `at ${joinWords(times)}` };
  }
  if (times.length <= 4) return { repeating: false, text: `at ${joinWords(times)}` };
  if (hourStep === 1) {
    return {
      repeating: true,
      text: `${withinHour} from ${formatClockTime(firstHour, firstMinute)} to ${formatClockTime(lastHour, lastMinute)}`,
    };
  }
  const hourWords = hours.map((h) => formatClockTime(h, 0).replace(':00', ''));
  return { repeating: true, text: `${withinHour} during the ${joinWords(hourWords)} hours` };
}

interface DayPhrase {
  everyDay: boolean;
  /** Sentence start for fixed times: "Weekdays", "On the 1st of the month". */
  lead: string;
  /** After a repeating time: "on weekdays", "on the 1st of the month", "" for every day. */
  trail: string;
  /** Day-of-month style days ("the 1st", "the last Friday"), which read well with month names. */
  monthly?: { core: string; dates?: number[] };
}

function describeDayRuns(days: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && (days[j + 1] ?? 0) === (days[j] ?? 0) + 1) j++;
    if (j - i >= 2) parts.push(`${formatOrdinal(days[i] ?? 0)} to ${formatOrdinal(days[j] ?? 0)}`);
    else for (let k = i; k <= j; k++) parts.push(formatOrdinal(days[k] ?? 0));
    i = j + 1;
  }
  return `the ${joinWords(parts)}`;
}

function monthlyPhrase(core: string, dates?: number[], ofTheMonth = true): DayPhrase {
  const full = ofTheMonth ? `${core} of the month` : core;
  return { everyDay: false, lead: `On ${full}`, trail: `on ${full}`, monthly: dates ? { core, dates } : { core } };
}

function describeDays(dom: CronField, dow: CronField): DayPhrase {
  if (isRestricted(dom) && !isEveryValue(dom, 'dayOfMonth')) {
    switch (dom.kind) {
      case 'list':
        return monthlyPhrase(describeDayRuns(dom.values), dom.values);
      case 'last':
        return monthlyPhrase('the last day');
      case 'lastWeekday':
        return monthlyPhrase('the last business day');
      case 'nearestWeekday':
        // `1W` is the first Monday–Friday of the month: W never crosses into the previous month
        if (dom.day === 1) return monthlyPhrase('the first business day');
        return monthlyPhrase(`the weekday nearest the ${formatOrdinal(dom.day)}`, undefined, false);
      default:
        break;
    }
  }
  switch (dow.kind) {
    case 'nthWeekday':
      return monthlyPhrase(`the ${NTH_WORDS[dow.nth - 1] ?? `${dow.nth}th`} ${weekdayName(dow.weekday)}`);
    case 'lastOfWeekday':
      return monthlyPhrase(`the last ${weekdayName(dow.weekday)}`);
    case 'list': {
      if (dow.values.length === 7) break;
      const key = dow.values.join(',');
      if (key === '2,3,4,5,6') return { everyDay: false, lead: 'Weekdays', trail: 'on weekdays' };
      if (key === '1,7') return { everyDay: false, lead: 'Weekends', trail: 'on weekends' };
      if (dow.values.length === 6) {
        const missing = [1, 2, 3, 4, 5, 6, 7].find((d) => !dow.values.includes(d)) ?? 1;
        const text = `every day except ${weekdayName(missing)}`;
        return { everyDay: false, lead: capitalise(text), trail: text };
      }
      // Monday first, Sunday last, as people list a week.
      const ordered = [...dow.values].sort((a, b) => ((a + 5) % 7) - ((b + 5) % 7));
      const text = joinWords(ordered.map((d) => `${weekdayName(d)}s`));
      return { everyDay: false, lead: text, trail: `on ${text}` };
    }
    default:
      break;
  }
  return { everyDay: true, lead: 'Every day', trail: '' };
}

function describeYears(years: number[]): string {
  if (years.length === 1) return `in ${years[0] ?? ''}`;
  const step = commonStep(years);
  if (step === 1) return `from ${years[0] ?? ''} to ${years[years.length - 1] ?? ''}`;
  return `in ${joinWords(years.map(String))}`;
}

function plainValues(field: CronField, name: CronFieldName): number[] {
  const values = readFieldValues(field, name);
  if (!values || values.length === 0) throw new RangeError(`${name} cannot be ${field.kind}`);
  return values;
}

function describeOrThrow(cron: OmniCron): string {
  const minutes = plainValues(cron.minute, 'minute');
  const hours = plainValues(cron.hour, 'hour');
  const months = plainValues(cron.month, 'month');
  const years = cron.year.kind === 'any' ? [] : plainValues(cron.year, 'year');
  const time = describeTimes(minutes, hours);
  const days = describeDays(cron.dayOfMonth, cron.dayOfWeek);
  const allMonths = months.length === 12;
  const monthNames = months.map(monthName);

  const at = (lead: string): string =>
    time.repeating ? `${capitalise(time.text)} ${lead.charAt(0).toLowerCase()}${lead.slice(1)}` : `${lead} ${time.text}`;

  let sentence: string;
  let monthSuffix = '';
  const oneTime = !time.repeating && minutes.length === 1 && hours.length === 1;
  if (!allMonths && months.length === 1 && days.monthly) {
    const month = monthNames[0] ?? '';
    const dates = days.monthly.dates;
    const on = dates ? `${month} ${joinWords(dates.map(String))}` : `${days.monthly.core} of ${month}`;
    if (oneTime && years.length === 1 && dates?.length === 1) {
      return `Once, on ${on}, ${years[0] ?? ''} ${time.text}`;
    }
    sentence = at(`Every year on ${on}`);
    if (time.repeating) sentence = `${capitalise(time.text)} every year on ${on}`;
  } else if (!allMonths && days.monthly && months.length === 4 && commonStep(months) === 3) {
    sentence = at(`Quarterly on ${days.monthly.core} (${monthNames.join(', ')})`);
  } else if (!allMonths && days.monthly) {
    const excluded = MONTH_NAMES.filter((_, i) => !months.includes(i + 1));
    const which = excluded.length <= 3 ? `every month except ${joinWords(excluded)}` : joinWords(monthNames);
    sentence = at(`On ${days.monthly.core} of ${which}`);
  } else {
    sentence = time.repeating
      ? days.everyDay
        ? capitalise(time.text)
        : `${capitalise(time.text)} ${days.trail}`
      : `${days.lead} ${time.text}`;
    if (!allMonths) {
      const excluded = MONTH_NAMES.filter((_, i) => !months.includes(i + 1));
      monthSuffix = excluded.length <= 3 ? `, except in ${joinWords(excluded)}` : ` in ${joinWords(monthNames)}`;
    }
  }
  if (years.length > 0) {
    const yearText = describeYears(years);
    if (monthSuffix.startsWith(' in ') && years.length === 1) return `${sentence}${monthSuffix} ${years[0] ?? ''}`;
    return `${sentence}${monthSuffix}${monthSuffix ? ',' : ''} ${yearText}`;
  }
  return `${sentence}${monthSuffix}`;
}

/** Plain-English wording of any valid Omni cron. */
export function describeCron(cron: OmniCron): string {
  try {
    return describeOrThrow(cron);
  } catch {
    return `On the cron schedule ${cron.source}`;
  }
}
