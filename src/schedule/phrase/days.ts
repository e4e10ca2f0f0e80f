/**
 * Day rules: weekday names, lists, ranges and shorthand ("M-F", "MWF", "Tu/Th"), weekdays/weekends/business days,
 * ordinals ("1st and 15th", "first monday", "last friday", "last business day"), the nearest weekday, the edges of
 * a period ("end of the month") and exceptions ("except fridays", "except the 10th", "except at 1pm").
 */
import { readMonth, readWeekday } from '../normalise.js';
import { FALLBACK_SUGGESTION, buildCalendarRefusal, buildInvalidDateTimeRefusal, renderOrdinal, renderPhrase } from '../refusals.js';
import { readMonthListTail } from './months.js';
import { RANK, expandWrap, isSymbol, isWord } from './state.js';
import type { PhraseState } from './state.js';
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

/**
 * "except friday", "but not weekends", "excluding holidays", "other than june", "except the 10th", "except at 1pm".
 * A list of exceptions is read whole (days, dates and months together, or times alone), so no excepted item is
 * ever read as a day to run on.
 */
export function readExcept(s: PhraseState): boolean {
  const w = s.word();
  let k = 1;
  if (w === 'except' || w === 'exclude' || w === 'skip' || w === 'skipping' || w === 'save' || w === 'without') k = 1;
  else if (w === 'but' || w === 'not') k = 1;
  else if ((w === 'other' && isWord(s.at(1), 'than')) || (w === 'apart' && isWord(s.at(1), 'from'))) k = 2;
  else return false;
  let found = 0;
  let end = k;
  let kind: 'days' | 'times' | undefined;
  for (;;) {
    while (isWord(s.at(k), 'not', 'on', 'the', 'and', 'for', 'or', 'in', 'except', 'public', 'at', 'during') || isSymbol(s.at(k), ',')) k++;
    const tok = s.at(k);
    if (!tok) break;
    const time = kind !== 'days' ? readTimeAt(s, k, true) : null;
    if (time && (kind === 'times' || found === 0) && tok.kind !== 'ordinal') {
      s.exceptTimes.push(time.time);
      kind = 'times';
      k += time.length;
    } else if (kind === 'times') {
      break;
    } else if (tok.kind === 'ordinal' && readWeekday(s.word(k + 1) ?? '') === null) {
      s.exceptMonthDays.add(tok.value);
      if (tok.value < 1 || tok.value > 31) flagInvalidDay(s, tok.value);
      k++;
    } else if (tok.kind !== 'word') {
      break;
    } else if (tok.text === 'last' && isWord(s.at(k + 1), 'day', 'business', 'weekday', 'workday')) {
      // "except the last day of the month": cron can't leave out L
      s.flag(RANK.calendar, (rest) => buildCalendarRefusal('skipping the last day of the month', renderPhrase(rest)));
      k += isWord(s.at(k + 1), 'business') && isWord(s.at(k + 2), 'day') ? 3 : 2;
      if (isWord(s.at(k), 'of') && isWord(s.at(k + 1), 'the') && isWord(s.at(k + 2), 'month')) k += 3;
    } else if (readWeekday(tok.text) !== null) {
      const day = readWeekday(tok.text) as number;
      const range = readDayRangeEnd(s, k + 1);
      const days = range ? expandWrap(day, range.day, 7) : [day];
      for (const d of days) s.exceptDays.add(d);
      k += range ? range.length + 1 : 1;
    } else if (tok.text === 'weekend') {
      s.exceptDays.add(1).add(7);
      k++;
    } else if (tok.text === 'weekday') {
      for (const d of [2, 3, 4, 5, 6]) s.exceptDays.add(d);
      k++;
    } else if (readMonth(tok.text) !== null) {
      s.exceptMonths.add(readMonth(tok.text) as number);
      k++;
    } else if (tok.text === 'holiday' || (tok.text === 'bank' && isWord(s.at(k + 1), 'holiday'))) {
      s.flag(RANK.calendar, (rest, restSaid) => buildCalendarRefusal('public holidays', restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
      k += tok.text === 'bank' ? 2 : 1;
    } else break;
    kind ??= 'days';
    found++;
    end = k;
  }
  if (found === 0) return false;
  s.said = true;
  s.i += end;
  return true;
}

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
    const next = s.at(1);
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
    s.addMonths([monthAfter]);
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
    s.i++;
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
    // "day 15 of each month"
    const n = (s.at(1) as { value: number }).value;
    if (n >= 1 && n <= 31) s.selectors.push({ kind: 'monthDays', days: [n] });
    else flagInvalidDay(s, n);
    s.said = true;
    s.repeating = true;
    s.i += 2;
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
const DAY_CODES: Record<string, number> = { m: 2, t: 3, tu: 3, w: 4, th: 5, r: 5, f: 6, sa: 7, su: 1 };
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
