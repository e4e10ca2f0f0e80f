/**
 * Month and date rules: month names, lists and ranges ("jun-aug", "between may and august"), dates ("jan 27th",
 * "3/20", "2026-07-01"), holidays on fixed dates ("new year's day"), quarters and halves ("q3", "h1"), "of the
 * month", and years.
 */
import { readMonth } from '../normalise.js';
import { buildAmbiguousRefusal, buildInvalidDateTimeRefusal, buildTooFrequentRefusal, renderOrdinal, renderPhrase } from '../refusals.js';
import { flagInvalidDay } from './days.js';
import { RANK, expandWrap, isSymbol, isWord } from './state.js';
import type { PhraseState } from './state.js';

/** Month names, lists and ranges, with an optional day and year: "june", "jun-aug", "jan 27th", "june 3rd 2026". */
export function readMonths(s: PhraseState): boolean {
  const tok = s.at();
  if (tok?.kind !== 'word') return false;
  const month = readMonth(tok.text);
  if (month === null) return false;
  // "may" is also a verb: only a month next to a number, "in", "of", another month or a list
  // ("may through august", "may-aug" are months)
  const rangeAfter = (isSymbol(s.at(1), '-') || isWord(s.at(1), 'to', 'through', 'till', 'until')) && readMonth(s.word(2) ?? '') !== null;
  if (tok.text === 'may' && !(isWord(s.at(-1), 'in', 'of', 'every', 'each', 'and', 'to', 'from') || s.at(1)?.kind === 'number' || s.at(1)?.kind === 'ordinal' || rangeAfter)) return false;
  let k = 1;
  const sep = s.at(1);
  const endWord = s.word(2);
  const endMonth = endWord ? readMonth(endWord) : null;
  if (((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through', 'till', 'until')) && endMonth !== null) {
    s.addMonths(expandWrap(month, endMonth, 12));
    s.i += 3;
    return true;
  }
  s.addMonths([month]);
  // "dec-24", "oct/31": a day after a dash or slash
  const dashed = (isSymbol(s.at(1), '-', '/')) && s.at(2)?.kind === 'number' && !(s.at(2) as { word?: boolean }).word && (s.at(2) as { value: number }).value <= 31;
  const dayTok = dashed ? s.at(2) : s.at(1);
  if ((dayTok?.kind === 'number' && !dayTok.word && dayTok.value <= 31 && !(s.at(2)?.kind === 'symbol' && (s.at(2) as { text: string }).text === ':')) || dayTok?.kind === 'ordinal') {
    const d = dayTok.value;
    const days = [d];
    k = dashed ? 3 : 2;
    // "march 1, 2 and 3": more days of that month (bare numbers, never times)
    for (;;) {
      const join = isSymbol(s.at(k), ',') || isWord(s.at(k), 'and') ? 1 : 0;
      const next = s.at(k + join + (isWord(s.at(k + join), 'and') ? 1 : 0));
      const used = join + (isWord(s.at(k + join), 'and') ? 1 : 0);
      if (!join || !next || !((next.kind === 'number' && !next.word && next.value <= 31 && next.raw.length <= 2) || next.kind === 'ordinal')) break;
      const after = s.at(k + used + 1);
      if (after?.kind === 'word' && (after.text === 'am' || after.text === 'pm' || readMonth(after.text) !== null)) break;
      if (isSymbol(after, ':')) break;
      days.push(next.value);
      k += used + 1;
    }
    for (const day of days) if (day < 1 || day > 31) flagInvalidDay(s, day);
    const valid = days.filter((day) => day >= 1 && day <= 31);
    if (valid.length > 0) s.selectors.push({ kind: 'monthDays', days: valid });
    s.pinnedDate = true;
    // "jan 27th and jul 27th"? rare; a year: "june 3rd, 2026"
    const comma = s.at(k);
    const yearTok = comma?.kind === 'symbol' && comma.text === ',' ? s.at(k + 1) : comma;
    if (yearTok?.kind === 'number' && yearTok.value >= 1970 && yearTok.value <= 2199 && yearTok.raw.length === 4) {
      s.years.add(yearTok.value);
      s.dateYear = yearTok.value;
      k += comma === yearTok ? 1 : 2;
    }
  } else {
    readMonthListTail(s, 1);
    k = s.monthTailEnd;
  }
  s.said = true;
  s.i += k;
  return true;
}

/** After a month at offset k-1: ", july and august" / "and july" — adds months, sets monthTailEnd. */
export function readMonthListTail(s: PhraseState, k: number): void {
  let j = k;
  for (;;) {
    const joiner = s.at(j);
    const isJoin = isWord(joiner, 'and') || (joiner?.kind === 'symbol' && joiner.text === ',');
    if (!isJoin) break;
    const m = s.word(j + 1);
    const month = m ? readMonth(m) : null;
    if (month === null) break;
    s.addMonths([month]);
    j += 2;
  }
  s.monthTailEnd = j;
}

/** "q1", "in q3", "h1" (a calendar quarter or half: months, not a fiscal calendar). */
export function readQuarterNames(s: PhraseState): boolean {
  const w = s.word();
  const m = w ? /^([qh])([1-4])$/.exec(w) : null;
  if (!m) return false;
  const n = Number(m[2]);
  if (m[1] === 'q') s.addMonths([n * 3 - 2, n * 3 - 1, n * 3]);
  else if (n <= 2) s.addMonths(n === 1 ? [1, 2, 3, 4, 5, 6] : [7, 8, 9, 10, 11, 12]);
  else return false;
  s.i++;
  return true;
}

/** "of the month", "each month", "a month", "of every quarter": recurrence words around a day of the month. */
export function readMonthContext(s: PhraseState): boolean {
  const w = s.word();
  if (w !== 'month' && w !== 'quarter' && w !== 'year') return false;
  if (w === 'quarter' && (isWord(s.at(1), 'past', 'to', 'after', 'before', 'hour') || isWord(s.at(-1), 'at'))) return false;
  const prev = s.word(-1);
  if (!(prev === 'the' || prev === 'every' || prev === 'each' || prev === 'a' || prev === 'per' || prev === 'this' || s.repeating)) return false;
  if (prev === 'this') return false;
  // "of the month" scopes the days around it; it never turns "every day" into "monthly"
  if (w === 'quarter') s.setFrequency('quarterly');
  else if (s.frequency === undefined) s.setFrequency(w === 'year' ? 'yearly' : 'monthly');
  else s.calendarSets++;
  s.repeating = true;
  s.said = true;
  s.i++;
  return true;
}

/** "2027", "in 2026 and 2027", "2026-2028". */
export function readYear(s: PhraseState): boolean {
  const tok = s.at();
  if (tok?.kind !== 'number' || tok.raw.length !== 4 || tok.value < 1970 || tok.value > 2199) return false;
  const sep = s.at(1);
  const end = s.at(2);
  if (((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through')) && end?.kind === 'number' && end.raw.length === 4 && end.value >= tok.value && end.value <= 2199) {
    for (let y = tok.value; y <= end.value; y++) s.years.add(y);
    s.i += 3;
  } else {
    s.years.add(tok.value);
    s.i++;
  }
  s.said = true;
  return true;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const validDate = (month: number, day: number) => month >= 1 && month <= 12 && day >= 1 && day <= (DAYS_IN_MONTH[month - 1] as number);

/** "between may and august", "from may to august": a range of months (June and July included). */
export function readMonthRange(s: PhraseState): boolean {
  if (!isWord(s.at(), 'between', 'from')) return false;
  const a = readMonth(s.word(1) ?? '');
  const sep = s.at(2);
  const b = readMonth(s.word(3) ?? '');
  if (a === null || b === null) return false;
  const joins = s.word() === 'between' ? isWord(sep, 'and') || isSymbol(sep, '-') : isWord(sep, 'to', 'through', 'till', 'until') || isSymbol(sep, '-');
  if (!joins) return false;
  // "between march 1 and june 1" is a start and an end date (readBounds)
  const after = s.at(4);
  if (after?.kind === 'number' || after?.kind === 'ordinal') return false;
  s.addMonths(expandWrap(a, b, 12));
  s.i += 4;
  return true;
}

/** Holidays on fixed dates; a named holiday comes round every year. Movable ones are refused (refusal-words.ts). */
const HOLIDAYS: ReadonlyArray<readonly [string[], number, number]> = [
  [['new', 'year', 'day'], 1, 1], [['new', 'year', 'eve'], 12, 31], [['new', 'year'], 1, 1],
  [['christmas', 'eve'], 12, 24], [['christmas', 'day'], 12, 25], [['christmas'], 12, 25], [['xmas', 'eve'], 12, 24],
  [['xmas', 'day'], 12, 25], [['xmas'], 12, 25], [['boxing', 'day'], 12, 26], [['halloween'], 10, 31],
  [['valentine', 'day'], 2, 14], [['valentines', 'day'], 2, 14],
];

export function readHoliday(s: PhraseState): boolean {
  const match = HOLIDAYS.find(([words]) => words.every((w, k) => s.word(k) === w));
  if (!match) return false;
  const [words, month, day] = match;
  s.addMonths([month]);
  s.selectors.push({ kind: 'monthDays', days: [day] });
  s.pinnedDate = true;
  s.repeating = true;
  s.i += words.length;
  return true;
}

/**
 * Numeric dates: "2026-07-01", "2026/7/1", "3/20", "20/3", "7/1/2026". Never times. A date valid both as
 * month/day and day/month ("4/5") is ambiguous; one that is the same either way ("12/12") is not.
 */
export function readNumericDate(s: PhraseState): boolean {
  if (readDottedDate(s)) return true;
  const a = s.at();
  const sep1 = s.at(1);
  const b = s.at(2);
  if (a?.kind !== 'number' || b?.kind !== 'number' || a.word || b.word || !isSymbol(sep1, '/', '-')) return false;
  const sep = (sep1 as { text: string }).text;
  const sep2 = s.at(3);
  const c = s.at(4);
  const third = c?.kind === 'number' && !c.word && isSymbol(sep2, sep) ? c : undefined;
  let month: number;
  let day: number;
  let year: number | undefined;
  let length = third ? 5 : 3;
  if (a.raw.length === 4) {
    // ISO order: year, month, day
    if (!third) return false;
    year = a.value;
    month = b.value;
    day = third.value;
  } else {
    if (a.raw.length > 2 || b.raw.length > 2) return false;
    // a dash between two small numbers is a time window ("9-5"), not a date, unless a year follows or the words
    // before it ask for a day ("on 03-01", "every 12-25")
    if (sep === '-' && !third && !isWord(s.at(-1), 'on', 'every', 'each')) return false;
    if (a.value === 24 && b.value === 7 && !third) {
      s.flag(RANK.frequent, () => buildTooFrequentRefusal(60, 'every hour'));
      s.said = true;
      s.i += 3;
      return true;
    }
    if (third) {
      if (third.raw.length === 4) year = third.value;
      else if (third.raw.length === 2) year = 2000 + third.value;
      else length = 3;
    }
    const md = validDate(a.value, b.value);
    const dm = validDate(b.value, a.value);
    if (md && dm && a.value !== b.value) {
      const typed = s.typed(a, length === 5 ? c : b);
      const first = { month: a.value, day: b.value };
      const second = { month: b.value, day: a.value };
      s.flag(RANK.ambiguous, (rest) =>
        buildAmbiguousRefusal(
          `Is ${typed} ${MONTH_NAMES[first.month - 1] as string} ${renderOrdinal(first.day)} or ${MONTH_NAMES[second.month - 1] as string} ${renderOrdinal(second.day)}?`,
          renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [first.day] }], months: [first.month], years: [] }),
        ),
      );
      month = first.month;
      day = first.day;
    } else if (md || !dm) {
      month = a.value;
      day = b.value;
    } else {
      month = b.value;
      day = a.value;
    }
  }
  if (!validDate(month, day)) {
    const typed = s.typed(a, length === 5 ? c : b);
    s.flag(RANK.invalid, (rest) => buildInvalidDateTimeRefusal(`The date ${typed}`, renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1] }], months: [], years: [] })));
    s.said = true;
    s.i += length;
    return true;
  }
  s.addMonths([month]);
  s.selectors.push({ kind: 'monthDays', days: [day] });
  if (year !== undefined) {
    s.years.add(year);
    s.dateYear = year;
  }
  s.pinnedDate = true;
  s.i += length;
  return true;
}

/**
 * "every year on 15.03", "15.03. every year": a dotted day and month (the European way). The lexer reads "15.03" as
 * a clock time; it is a date only after "on" or "the", or with a dot after it. Month/day when only that is valid.
 */
function readDottedDate(s: PhraseState): boolean {
  const tok = s.at();
  if (tok?.kind !== 'time') return false;
  const m = /^(\d{1,2})\.(\d{1,2})$/.exec(s.typed(tok));
  if (!m) return false;
  const trailingDot = isSymbol(s.at(1), '.');
  if (!(isWord(s.at(-1), 'on', 'the') || trailingDot)) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const dm = validDate(b, a);
  const md = validDate(a, b);
  if (!dm && !md) return false;
  const [month, day] = dm ? [b, a] : [a, b];
  if (dm && md && a !== b) {
    const typed = s.typed(tok);
    s.flag(RANK.ambiguous, (rest) =>
      buildAmbiguousRefusal(
        `Is ${typed} ${MONTH_NAMES[b - 1] as string} ${renderOrdinal(a)} or ${MONTH_NAMES[a - 1] as string} ${renderOrdinal(b)}?`,
        renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [a] }], months: [b], years: [] }),
      ),
    );
  }
  s.addMonths([month]);
  s.selectors.push({ kind: 'monthDays', days: [day] });
  s.pinnedDate = true;
  s.i += trailingDot ? 2 : 1;
  return true;
}
