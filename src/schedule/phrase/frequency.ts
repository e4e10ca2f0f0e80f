/**
 * Frequency rules: "every 15 minutes", "every other week", "every 27", "twice a day", "3 times a week", frequency
 * words ("daily", "hourly", "fortnightly"), "15-minute intervals".
 */
import type { ScheduleStep } from '../ir.js';
import { readWeekday } from '../normalise.js';
import { buildDayCountRefusal, buildInvalidDateTimeRefusal, buildSkipWeeksRefusal, buildTooFrequentRefusal, renderPhrase } from '../refusals.js';
import { RANK, UNIT_WORDS, isSymbol, isWord } from './state.js';
import type { PhraseState } from './state.js';

/** "every 15 minutes", "every other week", "every 3 days", "every second", "every half hour", "every 27". */
export function readEvery(s: PhraseState): boolean {
  const w = s.word();
  if (w !== 'every' && w !== 'each' && w !== 'per') return false;
  let k = 1;
  let count: number | undefined;
  const first = s.at(1);
  if (first?.kind === 'time' && /^\d{1,2}\s*h$/i.test(s.typed(first))) {
    // "every 2h": hours, not 2 o'clock
    s.setStep({ unit: 'hour', every: first.hour });
    s.i += 2;
    return true;
  }
  if (first?.kind === 'number') {
    count = first.value;
    k = 2;
  } else if (isWord(first, 'other', 'alternate')) {
    count = 2;
    k = 2;
  } else if (first?.kind === 'ordinal' && first.value >= 2 && first.value <= 12) {
    // "every second week" counts; "every second monday" is an nth weekday (readOrdinals)
    const unit = s.word(2);
    if (unit && (UNIT_WORDS.has(unit) || unit === 'weekday' || unit === 'workday' || unit === 'business')) {
      count = first.value;
      k = 2;
    } else if (first.value === 2 && first.word && s.at(2) === undefined) {
      flagSeconds(s);
      s.i += 2;
      return true;
    }
  } else if (isWord(first, 'half') && isWord(s.at(2), 'year')) {
    s.setFrequency('halfYearly');
    s.i += 3;
    return true;
  } else if (isWord(first, 'half') && isWord(s.at(2), 'hour')) {
    s.setStep({ unit: 'minute', every: 30 });
    s.i += 3;
    return true;
  } else if (isWord(first, 'half') && isWord(s.at(2), 'an', 'a') && isWord(s.at(3), 'hour')) {
    s.setStep({ unit: 'minute', every: 30 });
    s.i += 4;
    return true;
  } else if (isWord(first, 'quarter') && (isWord(s.at(2), 'hour') || (isWord(s.at(2), 'of') && isWord(s.at(4), 'hour')))) {
    s.setStep({ unit: 'minute', every: 15 });
    s.i += isWord(s.at(2), 'hour') ? 3 : 5;
    return true;
  }
  if (count === undefined) {
    const unit = s.word(1);
    if (unit === 'seconds' || (unit === 'second' && s.at(2) === undefined)) {
      flagSeconds(s);
      s.i += 2;
      return true;
    }
    if (unit === 'minute' || unit === 'hour') {
      s.setStep({ unit, every: 1 });
      s.i += 2;
      return true;
    }
    if (unit === 'fortnight') {
      flagWeekSkip(s, 2);
      s.i += 2;
      return true;
    }
    s.repeating = true;
    s.i += 1;
    return true;
  }
  // a count: what is being counted? ("every 30m", "every 2 h": the short units right after a number)
  const unitTok = s.at(k);
  const shortUnit = first?.kind === 'number' && unitTok?.kind === 'word' ? ({ m: 'minute', h: 'hour' } as Record<string, string>)[unitTok.text] : undefined;
  const unit = shortUnit ?? (unitTok?.kind === 'word' ? unitTok.text : undefined);
  const n = count;
  if (n === 0 && unit !== undefined && (UNIT_WORDS.has(unit) || unit === 'weekday' || unit === 'workday')) {
    const one = unit === 'minute' || unit === 'hour' ? { unit: 'hour' as const, every: 1 } : undefined;
    s.flag(RANK.invalid, (rest) => buildInvalidDateTimeRefusal(`"Every 0 ${unit}s"`, renderPhrase({ ...rest, times: one ? [] : rest.times, step: one as ScheduleStep | undefined })));
    s.said = true;
    s.repeating = true;
    s.i += k + 1;
    return true;
  }
  if (unit === 'seconds') {
    flagSeconds(s);
    s.i += k + 1;
    return true;
  }
  if (unit === 'minute') {
    s.setStep({ unit: 'minute', every: n });
    s.i += k + 1;
    return true;
  }
  if (unit === 'hour') {
    if (!Number.isInteger(n)) s.setStep({ unit: 'minute', every: Math.round(n * 60) });
    else s.setStep({ unit: 'hour', every: n });
    s.i += k + 1;
    return true;
  }
  if (unit === 'day' || unit === 'weekday' || unit === 'workday' || (unit === 'business' && isWord(s.at(k + 1), 'day'))) {
    const length = unit === 'business' ? 2 : 1;
    if (n === 1 && unit === 'day') s.setFrequency('daily');
    // "every 7 days" is weekly (on Monday unless a day is named)
    else if (n === 7 && unit === 'day') s.setFrequency('weekly');
    else if (n === 1) s.addWeekdays([2, 3, 4, 5, 6]);
    else {
      s.flag(RANK.interval, (rest) => buildDayCountRefusal(renderPhrase({ ...rest, days: [{ kind: 'weekdays', days: [2, 4, 6] }] })));
    }
    s.said = true;
    s.repeating = true;
    s.i += k + length;
    return true;
  }
  if (unit === 'week' || unit === 'fortnight' || (unit !== undefined && readWeekday(unit) !== null)) {
    const weeks = unit === 'fortnight' ? n * 2 : n;
    if (weeks === 1) {
      s.setFrequency('weekly');
      s.repeating = true;
      s.said = true;
      s.i += k + 1;
      return true;
    }
    if (unit !== undefined && readWeekday(unit) !== null) {
      s.addWeekdays([readWeekday(unit) as number]);
      s.i += k + 1;
    } else s.i += k + 1;
    flagWeekSkip(s, weeks);
    return true;
  }
  if (unit === 'month') {
    if (n === 1) s.setFrequency('monthly');
    else s.step = { ...s.step, unit: 'month', every: n };
    s.repeating = true;
    s.said = true;
    s.i += k + 1;
    return true;
  }
  if (unit === 'quarter') {
    if (n === 1) s.setFrequency('quarterly');
    else s.step = { unit: 'month', every: n * 3 };
    s.repeating = true;
    s.said = true;
    s.i += k + 1;
    return true;
  }
  if (unit === 'year') {
    if (n === 1) s.setFrequency('yearly');
    else s.step = { unit: 'year', every: n };
    s.repeating = true;
    s.said = true;
    s.i += k + 1;
    return true;
  }
  const dateFollows = isSymbol(s.at(2), '/', '-', '.') && s.at(3)?.kind === 'number';
  if (first?.kind === 'number' && Number.isInteger(n) && n >= 1 && n <= 31 && first.word !== true && !dateFollows) {
    // Todoist's "every 27": the 27th of each month ("every 7/4" is a date: months.ts)
    s.selectors.push({ kind: 'monthDays', days: [n] });
    s.repeating = true;
    s.said = true;
    s.i += 2;
    return true;
  }
  s.repeating = true;
  s.i += 1;
  return true;
}

export function flagSeconds(s: PhraseState): void {
  s.flag(RANK.frequent, () => buildTooFrequentRefusal(60, 'every hour'));
  s.said = true;
}

export function flagWeekSkip(s: PhraseState, weeks: number): void {
  s.flag(RANK.interval, (rest) => {
    const days = rest.days.length > 0 ? rest.days : [{ kind: 'weekdays' as const, days: [2] }];
    const suggestion = renderPhrase({ ...rest, days });
    return weeks === 2 ? buildSkipWeeksRefusal(suggestion) : buildSkipWeeksRefusal(suggestion);
  });
  s.said = true;
  s.repeating = true;
}

/** "once a week", "twice a day", "3 times a week", "twice daily". */
export function readTimesPer(s: PhraseState): boolean {
  const w = s.word();
  const tok = s.at();
  let times: number | undefined;
  let k = 1;
  if (w === 'once') times = 1;
  else if (w === 'twice') times = 2;
  else if (w === 'thrice') times = 3;
  else if (tok?.kind === 'number' && isWord(s.at(1), 'times', 'x')) {
    times = tok.value;
    k = 2;
  }
  if (times === undefined) return false;
  // "once every two weeks" is "every two weeks"
  if (times === 1 && isWord(s.at(1), 'every', 'each')) {
    s.i += 1;
    return true;
  }
  if (isWord(s.at(k), 'a', 'an', 'per', 'every', 'each') || isSymbol(s.at(k), '/')) k++;
  const unit = s.word(k);
  const freq = unit === 'daily' ? 'day' : unit === 'weekly' ? 'week' : unit === 'monthly' ? 'month' : unit === 'yearly' ? 'year' : unit === 'hourly' ? 'hour' : unit;
  if (!freq || !['day', 'week', 'month', 'year', 'hour', 'quarter'].includes(freq)) return false;
  s.said = true;
  s.repeating = true;
  s.i += k + 1;
  if (times === 1) {
    if (freq === 'day') s.setFrequency('daily');
    else if (freq === 'week') s.setFrequency('weekly');
    else if (freq === 'month') s.setFrequency('monthly');
    else if (freq === 'quarter') s.setFrequency('quarterly');
    else if (freq === 'year') s.setFrequency('yearly');
    else s.setStep({ unit: 'hour', every: 1 });
    return true;
  }
  if (times === 2 && freq === 'year') {
    s.setFrequency('halfYearly');
    return true;
  }
  s.timesPer = { count: times, unit: freq };
  if (freq === 'day') s.setFrequency('daily');
  return true;
}

/** daily, weekly, monthly, hourly, quarterly, yearly, nightly, fortnightly, biweekly… */
export function readFrequencyWord(s: PhraseState): boolean {
  const w = s.word();
  switch (w) {
    case 'daily':
    case 'weekly':
    case 'monthly':
    case 'quarterly':
    case 'yearly':
      s.setFrequency(w);
      break;
    case 'halfyearly':
      s.setFrequency('halfYearly');
      break;
    case 'nightly':
      s.setFrequency('daily');
      s.periods.push('night');
      break;
    case 'hourly':
      s.setStep({ unit: 'hour', every: 1 });
      break;
    case 'halfhourly':
      s.setStep({ unit: 'minute', every: 30 });
      break;
    case 'minutely':
      s.setStep({ unit: 'minute', every: 1 });
      break;
    case 'fortnightly':
    case 'biweekly':
      flagWeekSkip(s, 2);
      break;
    case 'twicedaily':
      s.timesPer = { count: 2, unit: 'day' };
      s.setFrequency('daily');
      break;
    case 'real':
      if (!isWord(s.at(1), 'time')) return false;
      flagSeconds(s);
      s.i++;
      break;
    case 'constantly':
    case 'continuously':
    case 'realtime':
      flagSeconds(s);
      break;
    default:
      return false;
  }
  s.repeating = true;
  s.said = true;
  s.i++;
  return true;
}

/** "15-minute intervals", "at 2 hour intervals". */
export function readIntervalNoun(s: PhraseState): boolean {
  const tok = s.at();
  if (tok?.kind !== 'number') return false;
  let k = 1;
  if (s.at(k)?.kind === 'symbol') k++;
  const unit = s.word(k);
  if ((unit !== 'minute' && unit !== 'hour') || !isWord(s.at(k + 1), 'interval')) return false;
  s.setStep({ unit, every: tok.value });
  s.i += k + 2;
  return true;
}
