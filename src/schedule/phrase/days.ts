/**
 * Day rules: weekday names, lists, ranges and shorthand ("M-F", "MWF", "Tu/Th"), weekdays/weekends/business days,
 * ordinals ("1st and 15th", "first monday", "last friday", "last business day"), the nearest weekday, the edges of
 * a period ("end of the month") and exceptions ("except fridays", "except the 10th", "except at 1pm").
 */
import { ownKeysOnly } from '../normalise.js';
import { readMonth, readWeekday } from '../normalise.js';
import { FALLBACK_SUGGESTION, buildAmbiguousRefusal, buildCalendarRefusal, buildInvalidDateTimeRefusal, buildMultipleSchedulesRefusal, renderOrdinal, renderPhrase } from '../refusals.js';
import { readMonthListTail } from './months.js';
import { RANK, expandWrap, isSymbol, isWord } from './state.js';
import type { PhraseState, RawTime } from './state.js';
import { readTimeAt } from './times.js';

/** "nearest weekday to the 15th", "weekday nearest the 15th", "closest business day to the 1st". */
export function readNearestWeekday(s: PhraseState): boolean {
  let k = 0;
  if (isWord(s.at(k), 'nearest', 'closest')) {
    k++;
    if (isWord(s.at(k), 'business', 'working', 'work')) k++;
    if (!isWord(s.at(k), 'weekday', 'day', 'workday')) return false;
    k++;
  } else if (isWord(s.at(k), 'weekday', 'workday') && isWord(s.at(k + 1), 'nearest', 'closest')) {
    k += 2;
  } else return false;
  while (isWord(s.at(k), 'to', 'the', 'of')) k++;
  const day = s.at(k);
  if (day?.kind !== 'ordinal' && day?.kind !== 'number') return false;
  s.selectors.push({ kind: 'nearestWeekday', day: day.value });
  if (day.value > 31 || day.value < 1) flagInvalidDay(s, day.value);
  s.said = true;
  s.repeating = true;
  s.i += k + 1;
  return true;
}

/** "end of the month", "start of the month", "mid-month", "end of day", "end of the quarter/year/week". */
export function readEdgeOfPeriod(s: PhraseState): boolean {
  const w = s.word();
  if (w === 'eod' || w === 'cob') {
    s.times.push({ hour: 17, minute: 0, twentyFour: true, text: w });
    s.said = true;
    s.i++;
    return true;
  }
  // "quarter end", "month-end", "year end"
  if ((w === 'quarter' || w === 'month' || w === 'year') && (isWord(s.at(1), 'end') || (isSymbol(s.at(1), '-') && isWord(s.at(2), 'end')))) {
    s.selectors.push({ kind: 'lastDay' });
    if (w === 'quarter') {
      s.setFrequency('quarterly');
      s.quarterEnd = true;
    } else if (w === 'year') {
      s.setFrequency('yearly');
      s.addMonths([12]);
    }
    s.said = true;
    s.repeating = true;
    s.i += isWord(s.at(1), 'end') ? 2 : 3;
    return true;
  }
  if (w === 'mid' && (isWord(s.at(1), 'month') || (s.at(1)?.kind === 'symbol' && isWord(s.at(2), 'month')))) {
    s.selectors.push({ kind: 'monthDays', days: [15] });
    s.said = true;
    s.repeating = true;
    s.i += isWord(s.at(1), 'month') ? 2 : 3;
    return true;
  }
  const edge = w === 'end' || w === 'close' ? 'end' : w === 'start' || w === 'beginning' || w === 'middle' ? (w === 'middle' ? 'mid' : 'start') : undefined;
  if (!edge || !isWord(s.at(1), 'of')) return false;
  let k = 2;
  while (isWord(s.at(k), 'the', 'each', 'every', 'a')) k++;
  const what = s.word(k);
  if (what === 'day' || what === 'business' || (w === 'close' && what === 'business')) {
    if (edge === 'end') s.times.push({ hour: 17, minute: 0, twentyFour: true, text: 'end of day' });
    else if (edge === 'start') s.times.push({ hour: 9, minute: 0, twentyFour: true, text: 'start of day' });
    else s.times.push({ hour: 12, minute: 0, twentyFour: true, text: 'midday' });
    s.said = true;
    s.i += k + 1;
    return true;
  }
  if (what === 'month' || what === 'quarter' || what === 'year') {
    if (edge === 'end') s.selectors.push({ kind: 'lastDay' });
    else if (edge === 'start') s.selectors.push({ kind: 'monthDays', days: [1] });
    else s.selectors.push({ kind: 'monthDays', days: [15] });
    if (what === 'quarter') {
      s.setFrequency('quarterly');
      if (edge === 'end') s.quarterEnd = true;
    } else if (what === 'year') {
      s.setFrequency('yearly');
      s.addMonths(edge === 'end' ? [12] : edge === 'start' ? [1] : [6]);
    }
    s.said = true;
    s.repeating = true;
    s.i += k + 1;
    return true;
  }
  if (what === 'week' || what === 'workweek') {
    s.addWeekdays(edge === 'end' ? [6] : edge === 'start' ? [2] : [4]);
    s.repeating = true;
    s.said = true;
    s.i += k + 1;
    return true;
  }
  return false;
}

type ExceptKind = 'weekday' | 'date' | 'month' | 'time';

/** Words skipped between the items of an exception list. */
const EXCEPT_SKIP = ['not', 'on', 'the', 'and', 'for', 'or', 'in', 'except', 'public', 'at', 'during', 'a', 'of'];

/** A weekday, "weekend(s)", "weekday(s)" at offset k: the days and tokens read, or null. */
function exceptDaysAt(s: PhraseState, k: number): { days: number[]; length: number } | null {
  const w = s.word(k);
  if (w === undefined) return null;
  const compact = readCompactCodes(w);
  if (compact) return { days: compact, length: 1 };
  const code = DAY_CODES[w] !== undefined && (isSymbol(s.at(k + 1), '/', '-') && dayItem(s, k + 2) !== null);
  const day = readWeekday(w) ?? (code ? (DAY_CODES[w] as number) : null);
  if (day !== null) {
    // "sat/sun", "mon/wed/fri", "M-F", "T/Th"
    if (isSymbol(s.at(k + 1), '/') && dayItem(s, k + 2)) {
      const days = [day];
      let j = k + 1;
      while (isSymbol(s.at(j), '/') && dayItem(s, j + 1)) {
        const item = dayItem(s, j + 1) as { day: number; code: boolean };
        days.push(item.code && s.word(j + 1) === 't' && weekOrder(days[days.length - 1] as number) >= 2 ? 5 : item.day);
        j += 2;
      }
      return { days, length: j - k };
    }
    if (isSymbol(s.at(k + 1), '-') && dayItem(s, k + 2)) {
      const end = dayItem(s, k + 2) as { day: number };
      return { days: expandWrap(day, end.day, 7), length: 3 };
    }
    const range = readDayRangeEnd(s, k + 1);
    return { days: range ? expandWrap(day, range.day, 7) : [day], length: range ? range.length + 1 : 1 };
  }
  if (w === 'weekend') return { days: [1, 7], length: isWord(s.at(k + 1), 'day') ? 2 : 1 };
  if (w === 'weekday') return { days: [2, 3, 4, 5, 6], length: 1 };
  return null;
}

/**
 * "except friday", "but not weekends", "excluding holidays", "other than june", "except the 10th", "except at 1pm",
 * "except between 12 and 2". A list of exceptions is read whole, so no excepted item is ever read as a day to run
 * on. One kind of thing per list unless "and" joins them ("except tuesdays and the 15th"). What one cron cannot
 * leave out is refused: a single date in one month ("except dec 25", "except christmas"), one weekday of the month
 * ("except the last friday"), an exception for some months only ("except weekends in august"), one time on some
 * days ("except fridays at 5").
 */
export function readExcept(s: PhraseState): boolean {
  const w = s.word();
  let k = 1;
  if (w === 'except' || w === 'exclude' || w === 'skip' || w === 'skipping' || w === 'save' || w === 'without') k = 1;
  else if (w === 'but' || w === 'not') k = 1;
  else if ((w === 'other' && isWord(s.at(1), 'than')) || (w === 'apart' && isWord(s.at(1), 'from'))) k = 2;
  else return false;
  const calendar = (what: string) => s.flag(RANK.calendar, (rest, restSaid) => buildCalendarRefusal(what, restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
  const twoSchedules = (why: string) => s.flag(RANK.interval, (rest) => buildMultipleSchedulesRefusal(why, renderPhrase(rest)));
  let found = 0;
  let end = k;
  let kind: ExceptKind | undefined;
  for (;;) {
    let listJoin = false;
    while (isWord(s.at(k), ...EXCEPT_SKIP) || isSymbol(s.at(k), ',')) {
      // only "and"/"or" joins items of different kinds ("except tuesdays and the 15th"); after a bare comma a new
      // kind is no longer excepted ("except noon, weekdays" runs on weekdays)
      if (isWord(s.at(k), 'and', 'or')) listJoin = true;
      k++;
    }
    const tok = s.at(k);
    if (!tok) break;
    const switchable = found === 0 || listJoin;
    const sameOr = (next: ExceptKind) => kind === undefined || kind === next || switchable;
    // special days one cron can't leave out
    const holiday = HOLIDAY_WORDS.find((words) => words.every((x, j) => s.word(k + j) === x));
    if (holiday) {
      calendar('holidays (they fall on a different weekday each year, or on one date)');
      k += holiday.length;
    } else if ((tok.kind === 'ordinal' || isWord(tok, 'last')) && (readWeekday(s.word(k + 1) ?? '') !== null || isWord(s.at(k + 1), 'business', 'weekday', 'workday', 'day'))) {
      // "except the first monday", "except the last day of the month"
      calendar('leaving out one day of the month (the first Monday, the last day)');
      k += isWord(s.at(k + 1), 'business') && isWord(s.at(k + 2), 'day') ? 3 : 2;
      if (isWord(s.at(k), 'of') && isWord(s.at(k + 1), 'the', 'every', 'each') && isWord(s.at(k + 2), 'month')) k += 3;
    } else if (tok.kind === 'ordinal' && (isWord(s.at(k + 1), 'of') && readMonth(s.word(k + 2) ?? '') !== null || readMonth(s.word(k + 1) ?? '') !== null)) {
      // "except the 25th of december", "except 1st january": one date a year
      calendar('leaving out a single date of the year');
      k += isWord(s.at(k + 1), 'of') ? 3 : 2;
    } else if (tok.kind === 'word' && readMonth(tok.text) !== null && (s.at(k + 1)?.kind === 'number' || s.at(k + 1)?.kind === 'ordinal') && ((s.at(k + 1) as { value: number }).value <= 31)) {
      // "except january 1", "except dec 25", "except jan 1, 2027"
      calendar('leaving out a single date of the year');
      k += 2;
      if (isSymbol(s.at(k), ',') && s.at(k + 1)?.kind === 'number' && (s.at(k + 1) as { raw: string }).raw.length === 4) k += 2;
      else if (s.at(k)?.kind === 'number' && (s.at(k) as { raw: string }).raw.length === 4) k += 1;
    } else if (tok.kind === 'word' && (tok.text === 'summer' || tok.text === 'winter' || tok.text === 'spring' || tok.text === 'autumn' || tok.text === 'fall')) {
      const season = tok.text;
      s.flag(RANK.ambiguous, (rest) => buildAmbiguousRefusal(`Which months? "${season}" depends on the hemisphere. Name the months to leave out.`, renderPhrase(rest)));
      k++;
    } else if (isWord(tok, 'between', 'from') && readTimeAt(s, k + 1, true) && sameOr('time')) {
      // "except between 12 and 2": the hours of that window, both ends included (as hour windows are)
      const from = readTimeAt(s, k + 1, true) as { time: RawTime; length: number };
      const sep = k + 1 + from.length;
      const to = isWord(s.at(sep), 'and', 'to', 'till', 'until') || isSymbol(s.at(sep), '-') ? readTimeAt(s, sep + 1, true) : null;
      if (!to) break;
      s.exceptWindows.push({ from: from.time, to: to.time });
      kind = 'time';
      k = sep + 1 + to.length;
    } else if (tok.kind === 'number' && !tok.word && isSymbol(s.at(k + 1), '/', '-', '.') && s.at(k + 2)?.kind === 'number' && !isWord(s.at(k - 1), 'at')) {
      // "except 7/4", "except 25/12", "except 2026-12-25": one date
      calendar('leaving out a single date of the year');
      k += 3;
      if (isSymbol(s.at(k), '/', '-', '.') && s.at(k + 1)?.kind === 'number') k += 2;
      if (isSymbol(s.at(k), '.')) k++;
    } else if (tok.kind === 'time' && /^\d{1,2}\.\d{1,2}$/.test(s.typed(tok)) && isSymbol(s.at(k + 1), '.')) {
      // "except 31.12."
      calendar('leaving out a single date of the year');
      k += 2;
    } else if (tok.kind === 'word' && QUARTER_MONTHS[tok.text] && sameOr('month')) {
      for (const m of QUARTER_MONTHS[tok.text] as number[]) s.exceptMonths.add(m);
      kind = 'month';
      k++;
    } else if ((tok.kind === 'ordinal' || isWord(tok, 'last')) && isWord(s.at(k + 1), 'quarter') && sameOr('month')) {
      // "except in the first quarter", "except the last quarter"
      for (const m of QUARTER_ORDINALS[tok.kind === 'ordinal' ? tok.value : 4] ?? []) s.exceptMonths.add(m);
      kind = 'month';
      k += 2;
    } else if ((tok.kind === 'ordinal' || isWord(tok, 'first', 'last')) && isWord(s.at(k + 1), 'week')) {
      // "except the first week of the month"
      calendar('leaving out one week of the month');
      k += 2;
      if (isWord(s.at(k), 'of') && isWord(s.at(k + 1), 'the', 'every', 'each')) k += 2;
      if (isWord(s.at(k), 'month', 'year', 'quarter') || readMonth(s.word(k) ?? '') !== null) k++;
    } else if (readWeekday(s.word(k) ?? '') !== null && isWord(s.at(k + 1), 'the') && s.at(k + 2)?.kind === 'ordinal') {
      // "except friday the 13th"
      calendar('leaving out a weekday that falls on one date');
      k += 3;
    } else if (tok.kind === 'ordinal' && sameOr('date') && (isSymbol(s.at(k + 1), '-') || isWord(s.at(k + 1), 'to', 'through', 'till', 'until')) && (s.at(isWord(s.at(k + 2), 'the') ? k + 3 : k + 2)?.kind === 'ordinal')) {
      // "except the 1st-5th", "except the 10th to the 15th"
      const endAt = isWord(s.at(k + 2), 'the') ? k + 3 : k + 2;
      const last = (s.at(endAt) as { value: number }).value;
      for (let d = tok.value; d <= Math.min(last, 31); d++) s.exceptMonthDays.add(d);
      kind = 'date';
      k = endAt + 1;
    } else if (isWord(tok, 'day') && s.at(k + 1)?.kind === 'number' && sameOr('date')) {
      // "except days 1 to 5", "except day 15"
      const first = (s.at(k + 1) as { value: number }).value;
      let last = first;
      let used = 2;
      if ((isSymbol(s.at(k + 2), '-') || isWord(s.at(k + 2), 'to', 'through')) && s.at(k + 3)?.kind === 'number') {
        last = (s.at(k + 3) as { value: number }).value;
        used = 4;
      }
      for (let d = first; d <= Math.min(last, 31); d++) s.exceptMonthDays.add(d);
      kind = 'date';
      k += used;
    } else if (tok.kind === 'word' && readMonth(tok.text) !== null && (isSymbol(s.at(k + 1), '-') || isWord(s.at(k + 1), 'to', 'through', 'till', 'until')) && readMonth(s.word(k + 2) ?? '') !== null && sameOr('month')) {
      // "except jan-mar", "except june through august"
      for (const m of expandWrap(readMonth(tok.text) as number, readMonth(s.word(k + 2) as string) as number, 12)) s.exceptMonths.add(m);
      kind = 'month';
      k += 3;
    } else if (tok.kind !== 'ordinal' && (kind === 'time' || found === 0) && readTimeAt(s, k, true) && (isSymbol(s.at(k + (readTimeAt(s, k, true) as { length: number }).length), '-') || isWord(s.at(k + (readTimeAt(s, k, true) as { length: number }).length), 'to', 'till', 'until')) && readTimeAt(s, k + (readTimeAt(s, k, true) as { length: number }).length + 1, true)) {
      // "except 9am to 5pm", "except 1am-5am"
      const from = readTimeAt(s, k, true) as { time: RawTime; length: number };
      const to = readTimeAt(s, k + from.length + 1, true) as { time: RawTime; length: number };
      s.exceptWindows.push({ from: from.time, to: to.time });
      kind = 'time';
      k += from.length + 1 + to.length;
    } else if (tok.kind !== 'ordinal' && readTimeAt(s, k, true) && (kind === 'time' || found === 0)) {
      const time = readTimeAt(s, k, true) as { time: RawTime; length: number };
      s.exceptTimes.push(time.time);
      kind = 'time';
      k += time.length;
    } else if (tok.kind === 'ordinal' && sameOr('date')) {
      s.exceptMonthDays.add(tok.value);
      if (tok.value < 1 || tok.value > 31) flagInvalidDay(s, tok.value);
      kind = 'date';
      k++;
    } else if (exceptDaysAt(s, k) && sameOr('weekday')) {
      const days = exceptDaysAt(s, k) as { days: number[]; length: number };
      // "except in august, and fridays at 9": a day with its own time after a change of kind is a new part
      if (kind !== undefined && kind !== 'weekday' && isWord(s.at(k + days.length), 'at') && readTimeAt(s, k + days.length + 1, true)) break;
      for (const d of days.days) s.exceptDays.add(d);
      kind = 'weekday';
      k += days.length;
      // "every day at 9 and 5 except fridays at 5": one time on some days. With no time said before it, the time
      // is the schedule's ("every day except friday at 9"); the same one time as before only repeats it.
      const at = isWord(s.at(k), 'at') ? readTimeAt(s, k + 1, true) : null;
      if (at && s.times.length > 0) {
        const same = s.times.length === 1 && (s.times[0] as RawTime).text.toLowerCase() === at.time.text.toLowerCase();
        if (!same) twoSchedules('Leaving out one time on some days takes two schedules.');
        k += 1 + at.length;
      }
    } else if (tok.kind === 'word' && readMonth(tok.text) !== null && sameOr('month')) {
      s.exceptMonths.add(readMonth(tok.text) as number);
      kind = 'month';
      k++;
    } else if (isWord(tok, 'holiday') || (isWord(tok, 'bank') && isWord(s.at(k + 1), 'holiday'))) {
      calendar('public holidays');
      k += isWord(tok, 'bank') ? 2 : 1;
    } else break;
    found++;
    end = k;
  }
  if (found === 0) return false;
  // "except weekends in august", "except in december on weekends": an exception for only part of the year
  let j = end;
  while (isWord(s.at(j), 'in', 'during', 'on', 'the', 'of')) j++;
  const scopeMonth = s.word(j) !== undefined && readMonth(s.word(j) as string) !== null && !(s.at(j + 1)?.kind === 'number' || s.at(j + 1)?.kind === 'ordinal');
  const scopeDays = exceptDaysAt(s, j);
  if (j > end && ((kind === 'weekday' || kind === 'date') && scopeMonth || kind === 'month' && scopeDays)) {
    twoSchedules('Leaving out days in only some months (or months on only some days) takes two schedules.');
    end = j + (scopeMonth ? 1 : (scopeDays as { length: number }).length);
  }
  s.said = true;
  s.i += end;
  return true;
}

/** Holiday names inside an exception ("except christmas", "except new year's day", "except easter"). */
const HOLIDAY_WORDS: readonly string[][] = [
  ['new', 'year', 'day'], ['new', 'year', 'eve'], ['christmas', 'eve'], ['christmas', 'day'], ['christmas'], ['xmas'],
  ['boxing', 'day'], ['thanksgiving'], ['easter'], ['good', 'friday'], ['independence', 'day'], ['labor', 'day'],
  ['labour', 'day'], ['memorial', 'day'], ['diwali'], ['halloween'], ['valentine', 'day'], ['valentines', 'day'],
  ['boxing', 'day'], ['black', 'friday'], ['easter', 'monday'],
];

const QUARTER_MONTHS: Record<string, number[]> = ownKeysOnly({ q1: [1, 2, 3], q2: [4, 5, 6], q3: [7, 8, 9], q4: [10, 11, 12] });
const QUARTER_ORDINALS: Record<number, number[]> = ownKeysOnly({ 1: [1, 2, 3], 2: [4, 5, 6], 3: [7, 8, 9], 4: [10, 11, 12] });

/** After a weekday at offset k: "-fri", "to friday", "through fri" → the end day and tokens used. */
export function readDayRangeEnd(s: PhraseState, k: number): { day: number; length: number } | null {
  const sep = s.at(k);
  const isSep = (sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through', 'till', 'until');
  if (!isSep) return null;
  const end = s.word(k + 1);
  const day = end ? readWeekday(end) : null;
  return day === null ? null : { day, length: 2 };
}

/**
 * Ordinals and "last": "1st and 15th", "first monday", "2nd tuesday", "last friday", "last day", "first business
 * day", "1st of june", "the 3rd", "15 june" (a number directly before a month).
 */
export function readOrdinals(s: PhraseState): boolean {
  const items: Array<number | 'last'> = [];
  let k = 0;
  const startTok = s.at();
  if (startTok?.kind === 'number' && !startTok.word && startTok.value <= 31) {
    // "15 june", "15-mar"
    const next = isSymbol(s.at(1), '-') ? s.at(2) : s.at(1);
    if (!(next?.kind === 'word' && readMonth(next.text) !== null)) return false;
  } else if (startTok?.kind !== 'ordinal' && !isWord(startTok, 'last')) return false;
  if (isWord(startTok, 'last') && isWord(s.at(1), 'week', 'month', 'year', 'night', 'time')) return false;
  for (;;) {
    const tok = s.at(k);
    if (tok?.kind === 'ordinal') {
      items.push(tok.value);
      k++;
    } else if (isWord(tok, 'last')) {
      items.push('last');
      k++;
    } else if (tok?.kind === 'number' && !tok.word && tok.value <= 31 && items.length === 0) {
      items.push(tok.value);
      k++;
    } else break;
    // "1st-5th", "1st to the 5th": a range of days
    const sep = s.at(k);
    const after = s.at(k + 1) ?? undefined;
    const afterThe = isWord(after, 'the') ? s.at(k + 2) : after;
    const prev = items[items.length - 1];
    if (((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through')) && afterThe?.kind === 'ordinal' && typeof prev === 'number' && afterThe.value > prev) {
      for (let d = prev + 1; d <= afterThe.value; d++) items.push(d);
      k += isWord(after, 'the') ? 3 : 2;
    }
    const joiner = s.at(k);
    const isJoin = isWord(joiner, 'and') || (joiner?.kind === 'symbol' && joiner.text === ',');
    if (!isJoin) break;
    let j = k + 1;
    if (isWord(s.at(j), 'and')) j++;
    if (isWord(s.at(j), 'the')) j++;
    // a list goes on with the same kind of ordinal ("1st and 15th", "first and third"); "… and on the 15th at
    // 5pm" starts another part, read on its own (joins.ts)
    const nxt = s.at(j);
    const first = s.at();
    const sameKind = nxt?.kind === 'ordinal' && (first?.kind !== 'ordinal' || first.word === nxt.word);
    if (sameKind || isWord(nxt, 'last')) k = j;
    else break;
  }
  if (items.length === 0) return false;
  if (isSymbol(s.at(k), '-') && readMonth(s.word(k + 1) ?? '') !== null) k++;
  let after = s.at(k);
  // "second to last": not something Omni can say
  const afterWord = after?.kind === 'word' ? after.text : undefined;
  const weekday = afterWord ? readWeekday(afterWord) : null;
  const done = (length: number) => {
    s.said = true;
    s.repeating = true;
    s.i += length;
    return true;
  };
  if (weekday !== null) {
    for (const item of items) {
      if (item === 'last') s.selectors.push({ kind: 'lastOfWeekday', weekday });
      else if (item >= 1 && item <= 5) s.selectors.push({ kind: 'nthWeekday', weekday, nth: item });
      else {
        const n = item;
        s.flag(RANK.invalid, (rest) => buildInvalidDateTimeRefusal(`A ${renderOrdinal(n)} ${afterWord as string} of the month`, renderPhrase({ ...rest, days: [{ kind: 'lastOfWeekday', weekday }] })));
      }
    }
    return done(k + 1);
  }
  if (afterWord === 'business' || afterWord === 'working' || afterWord === 'work' || afterWord === 'workday' || afterWord === 'weekday') {
    const length = afterWord === 'workday' || afterWord === 'weekday' ? 1 : isWord(s.at(k + 1), 'day') ? 2 : 0;
    if (length === 0) return false;
    for (const item of items) {
      if (item === 'last') s.selectors.push({ kind: 'lastBusinessDay' });
      else if (item === 1) s.selectors.push({ kind: 'nearestWeekday', day: 1 });
      else {
        const n = item;
        s.flag(RANK.calendar, (rest) =>
          buildCalendarRefusal(`a count of business days (the ${renderOrdinal(n)} one)`, renderPhrase({ ...rest, days: [{ kind: 'nearestWeekday', day: 1 }] })),
        );
      }
    }
    return done(k + length);
  }
  const sawDay = afterWord === 'day';
  if (sawDay) k++;
  // "of june", "of every month", "of the quarter"
  after = s.at(k);
  // "last" alone is "last week", "last time"…: only "last day", "last of the month", "last friday" are days
  if (!sawDay && items.includes('last') && !isWord(after, 'of')) return false;
  let monthAfter: number | null = null;
  if (isWord(after, 'of') || after?.kind === 'word' && readMonth(after.text) !== null) {
    const m = isWord(after, 'of') ? s.word(k + 1) : (after as { text: string }).text;
    monthAfter = m ? readMonth(m) : null;
    if (monthAfter !== null) k += isWord(after, 'of') ? 2 : 1;
  }
  const days: number[] = [];
  for (const item of items) {
    if (item === 'last') s.selectors.push({ kind: 'lastDay' });
    else if (item < 1 || item > 31) flagInvalidDay(s, item);
    else days.push(item);
  }
  if (days.length > 0) s.selectors.push({ kind: 'monthDays', days });
  if (monthAfter !== null) {
    // "the 1st of jan-jun": a range of months
    const endMonth = (isSymbol(s.at(k), '-') || isWord(s.at(k), 'to', 'through', 'till', 'until')) ? readMonth(s.word(k + 1) ?? '') : null;
    if (endMonth !== null) {
      s.addMonths(expandWrap(monthAfter, endMonth, 12));
      k += 2;
    } else s.addMonths([monthAfter]);
    readMonthListTail(s, k);
    k = s.monthTailEnd;
    s.pinnedDate = true;
  }
  return done(k);
}

export function flagInvalidDay(s: PhraseState, n: number): void {
  s.flag(RANK.invalid, (rest) => buildInvalidDateTimeRefusal(`A ${renderOrdinal(n)} day of the month`, renderPhrase({ ...rest, days: [{ kind: 'lastDay' }] })));
  s.said = true;
}

/** Weekday names, lists and ranges, weekdays/weekends/business days, "every day". */
export function readDayWords(s: PhraseState): boolean {
  const tok = s.at();
  if (tok?.kind !== 'word') return false;
  const w = tok.text;
  const day = readWeekday(w);
  if (day !== null) {
    const range = readDayRangeEnd(s, 1);
    if (range) {
      s.addWeekdays(expandWrap(day, range.day, 7));
      s.repeating = true;
      s.i += 1 + range.length;
    } else {
      s.addWeekdays([day]);
      if (tok.plural) s.repeating = true;
      else s.weakDay = true;
      s.i += 1;
    }
    // "mondays and thursdays", "mon, wed and fri": two or more days read as a repeating list
    if (s.weekdays.size >= 2) s.repeating = true;
    return true;
  }
  if (w === 'weekday' || w === 'workday') {
    s.addWeekdays([2, 3, 4, 5, 6]);
    s.repeating = true;
    s.i++;
    return true;
  }
  if (w === 'weekend') {
    s.addWeekdays([1, 7]);
    s.repeating = true;
    // "every weekend day"
    s.i += isWord(s.at(1), 'day') ? 2 : 1;
    return true;
  }
  if ((w === 'business' || w === 'working' || w === 'work' || w === 'week') && isWord(s.at(1), 'day')) {
    s.addWeekdays([2, 3, 4, 5, 6]);
    s.repeating = true;
    s.i += 2;
    return true;
  }
  if (w === 'day' && (isWord(s.at(-1), 'every', 'each', 'a', 'per') || s.repeating)) {
    s.setFrequency(s.frequency ?? 'daily');
    s.said = true;
    s.repeating = true;
    s.i++;
    return true;
  }
  if (w === 'day' && (s.at(1)?.kind === 'number' || s.at(1)?.kind === 'ordinal')) {
    // "day 15 of each month", "days 1-5", "days 1 to 5"
    const n = (s.at(1) as { value: number }).value;
    let last = n;
    let used = 2;
    if ((isSymbol(s.at(2), '-') || isWord(s.at(2), 'to', 'through')) && (s.at(3)?.kind === 'number' || s.at(3)?.kind === 'ordinal')) {
      last = (s.at(3) as { value: number }).value;
      used = 4;
    }
    if (n >= 1 && last <= 31 && last >= n) s.selectors.push({ kind: 'monthDays', days: Array.from({ length: last - n + 1 }, (_, j) => n + j) });
    else flagInvalidDay(s, n < 1 || n > 31 ? n : last);
    s.said = true;
    s.repeating = true;
    s.i += used;
    return true;
  }
  if (w === 'week' && (isWord(s.at(-1), 'every', 'each', 'a', 'per') || s.repeating)) {
    s.setFrequency(s.frequency ?? 'weekly');
    s.said = true;
    s.repeating = true;
    s.i++;
    return true;
  }
  return false;
}

/** One-letter day codes people use in shorthand (1=SUN … 7=SAT). "t" alone is Tuesday next to "th". */
const DAY_CODES: Record<string, number> = ownKeysOnly({ m: 2, t: 3, tu: 3, w: 4, th: 5, r: 5, f: 6, sa: 7, su: 1 });
const CODE_ORDER = ['th', 'tu', 'sa', 'su', 'm', 't', 'w', 'r', 'f'];
const weekOrder = (d: number) => (d + 5) % 7; // MON first

/** "mwf", "tth", "mtwthf": day codes run together, in week order, at least two. */
function readCompactCodes(word: string): number[] | null {
  const days: number[] = [];
  let rest = word;
  while (rest.length > 0) {
    const code = CODE_ORDER.find((c) => rest.startsWith(c));
    if (!code) return null;
    // "mtwtf": a "t" after Wednesday is Thursday
    const prev = days[days.length - 1];
    days.push(code === 't' && prev !== undefined && weekOrder(prev) >= 2 ? 5 : (DAY_CODES[code] as number));
    rest = rest.slice(code.length);
  }
  if (days.length < 2) return null;
  for (let k = 1; k < days.length; k++) if (weekOrder(days[k] as number) <= weekOrder(days[k - 1] as number)) return null;
  return days;
}

/** A day at offset k as a code ("m", "th") or a day name; `code` tells which. */
function dayItem(s: PhraseState, k: number): { day: number; code: boolean } | null {
  const w = s.word(k);
  if (w === undefined) return null;
  if (DAY_CODES[w] !== undefined) return { day: DAY_CODES[w] as number, code: true };
  const day = readWeekday(w);
  return day === null ? null : { day, code: false };
}

/** Day shorthand: "M-F", "MWF", "TTh", "Tu/Th", "T/Th", "M/W/F". */
export function readShorthandDays(s: PhraseState): boolean {
  const compact = s.word() !== undefined ? readCompactCodes(s.word() as string) : null;
  if (compact) {
    s.addWeekdays(compact);
    s.repeating = true;
    s.i++;
    return true;
  }
  const first = dayItem(s, 0);
  if (!first) return false;
  const items = [first];
  let k = 1;
  let range = false;
  for (;;) {
    // "M/W/F", "Tu, Th", "M-F", and letters apart ("M W F") when every item is a code
    const separated = isSymbol(s.at(k), '/', ',', '-') || isWord(s.at(k), 'and');
    const next = dayItem(s, separated ? k + 1 : k);
    if (!next || (!separated && !(next.code && items.every((x) => x.code)))) break;
    if (isSymbol(s.at(k), '-')) range = true;
    const prev = items[items.length - 1] as { day: number };
    // "T/Th" is Tuesday and Thursday; "W/T" is Wednesday and Thursday
    if (next.code && s.word(separated ? k + 1 : k) === 't' && weekOrder(prev.day) >= 2) next.day = 5;
    items.push(next);
    k += separated ? 2 : 1;
  }
  if (items.length < 2 || !items.some((x) => x.code) || (range && items.length !== 2)) return false;
  const days = range ? expandWrap(items[0]?.day as number, items[1]?.day as number, 7) : items.map((x) => x.day);
  s.addWeekdays(days);
  s.repeating = true;
  s.i += k;
  return true;
}
