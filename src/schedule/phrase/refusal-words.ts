/**
 * Words that make a phrase something a schedule can never be: an event ("when revenue drops"), a holiday or fiscal
 * calendar, a start or end date ("until december", "for 4 weeks"), a one-off ("tomorrow at 3pm"), a vague
 * frequency ("sometimes", "every now and again"). Each flags a refusal; the alternative is rendered at the end from
 * everything else that was said.
 */
import { ownKeysOnly } from '../normalise.js';
import type { ScheduleIr } from '../ir.js';
import { readMonth, readWeekday } from '../normalise.js';
import {
  FALLBACK_SUGGESTION,
  buildAmbiguousRefusal,
  buildBoundsRefusal,
  buildCalendarRefusal,
  buildEventTriggerRefusal,
  renderPhrase,
} from '../refusals.js';
import { RANK, UNIT_WORDS, isWord } from './state.js';
import type { PhraseState } from './state.js';
import { readTimeAt } from './times.js';

export function readEventWords(s: PhraseState): boolean {
  const w = s.word();
  const eventStart =
    w === 'when' || w === 'whenever' || w === 'if' || w === 'unless' || w === 'once' && isWord(s.at(1), 'the', 'a', 'an', 'we', 'it', 'there', 'revenue') && !isWord(s.at(2), 'day', 'week', 'month', 'year', 'quarter') ||
    ((w === 'every' || w === 'each') && isWord(s.at(1), 'time')) ||
    (w === 'as' && isWord(s.at(1), 'soon') && isWord(s.at(2), 'as'));
  if (!eventStart) return false;
  s.flag(RANK.event, (rest, restSaid) => buildEventTriggerRefusal(restSaid ? renderPhrase(rest) : undefined));
  s.said = true;
  s.i += w === 'as' ? 3 : w === 'every' || w === 'each' ? 2 : 1;
  return true;
}

/** Holidays whose date moves; fixed-date ones ("new year's day") are dates (months.ts). Longest first. */
const MOVABLE_HOLIDAYS: readonly string[][] = [
  ['chinese', 'new', 'year'], ['lunar', 'new', 'year'], ['good', 'friday'], ['black', 'friday'], ['cyber', 'monday'],
  ['easter', 'monday'], ['easter', 'sunday'], ['labor', 'day'], ['labour', 'day'], ['memorial', 'day'], ['mother', 'day'],
  ['father', 'day'], ['thanksgiving'], ['easter'], ['diwali'], ['passover'], ['eid'], ['hanukkah'], ['ramadan'],
];

export function readCalendarWords(s: PhraseState): boolean {
  const w = s.word();
  if (!w) return false;
  let what: string | undefined;
  let length = 1;
  const movable = MOVABLE_HOLIDAYS.find((words) => words.every((x, k) => s.word(k) === x));
  if (movable) {
    what = 'holidays whose date moves from year to year';
    length = movable.length;
  } else if (w === 'holiday') what = 'public holidays';
  else if (w === 'bank' && isWord(s.at(1), 'holiday')) {
    what = 'public holidays';
    length = 2;
  } else if (w === 'fiscal' || w === 'financial' || /^fy\d*$/.test(w)) what = 'a fiscal calendar';
  else if (w === 'lunar' || w === 'ramadan' || w === 'hanukkah') what = 'that calendar';
  if (!what) return false;
  const calendar = what;
  s.flag(RANK.calendar, (rest, restSaid) =>
    buildCalendarRefusal(calendar, restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION),
  );
  s.said = true;
  s.i += length;
  return true;
}

/** Start and end dates: "until december", "for 4 weeks", "starting next month", "between march 1 and june 1". */
export function readBounds(s: PhraseState): boolean {
  const w = s.word();
  if (!w) return false;
  const boundFlag = (length: number) => {
    s.flag(RANK.bounds, (rest, restSaid) => buildBoundsRefusal(restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
    s.said = true;
    s.i += length;
    return true;
  };
  if (w === 'until' || w === 'till' || w === 'through' || w === 'ending' || w === 'ends' || w === 'up') {
    if (w === 'until' && isWord(s.at(1), 'further') && isWord(s.at(2), 'notice')) {
      s.i += 3;
      return true;
    }
    // "until 5pm" is a window end, read by readWindow when a start came before; alone it still bounds the day
    if (readTimeAt(s, 1) && w !== 'ending' && w !== 'ends') return false;
    if (w === 'up' && !isWord(s.at(1), 'to', 'until')) return false;
    let k = 1;
    while (isWord(s.at(k), 'the', 'end', 'of', 'on', 'to', 'until')) k++;
    return boundFlag(k + boundTargetLength(s, k));
  }
  if (w === 'for') {
    // for 4 weeks / for a month / for the next 3 months / for the rest of the year
    let k = 1;
    while (isWord(s.at(k), 'the', 'next', 'a', 'an', 'rest', 'of', 'this')) k++;
    const tok = s.at(k);
    if (tok?.kind === 'number' && UNIT_WORDS.has(s.word(k + 1) ?? '')) return boundFlag(k + 2);
    if (tok?.kind === 'word' && UNIT_WORDS.has(tok.text) && k > 1) return boundFlag(k + 1);
    return false;
  }
  if (w === 'starting' || w === 'beginning' || w === 'effective' || w === 'commencing' || w === 'from' || w === 'after') {
    let k = 1;
    while (isWord(s.at(k), 'on', 'from', 'in', 'the')) k++;
    if (readTimeAt(s, k)) return false; // "starting at 7pm": readStartAt
    const target = s.at(k);
    if (target?.kind === 'word') {
      const month = readMonth(target.text);
      if (month !== null && w !== 'from' && w !== 'after') {
        const next = s.at(k + 1);
        if (next?.kind !== 'number' && next?.kind !== 'ordinal') {
          // "starting in march": an anchor for month steps, a start date otherwise (decided in finish)
          s.startMonth = month;
          s.said = true;
          s.i += k + 1;
          return true;
        }
      }
    }
    if (target?.kind === 'word' && readMonth(target.text) !== null) {
      const sep = s.at(k + 1);
      const isRange = (sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through', 'till', 'until');
      if (isRange && readMonth(s.word(k + 2) ?? '') !== null) return false; // "from june to august": months
    }
    const length = boundTargetLength(s, k);
    if (length === 0) {
      if (w === 'starting' || w === 'beginning' || w === 'effective' || w === 'commencing') {
        // "starting monday": a weekday as a start date
        const day = target?.kind === 'word' ? readWeekday(target.text) : null;
        if (day !== null && !(target?.kind === 'word' && target.plural)) return boundFlag(k + 1);
        if (isWord(target, 'now', 'today', 'immediately')) {
          s.i += k + 1;
          return true;
        }
      }
      return false;
    }
    if (w === 'after' && length > 0 && !isDateAt(s, k)) return false;
    return boundFlag(k + length);
  }
  if (w === 'between' && isDateAt(s, 1)) {
    return boundFlag(1 + boundTargetLength(s, 1));
  }
  return false;
}

/** True when a calendar date ("june 1", "1st of june", "2026-06-01") starts at offset k. */
export function isDateAt(s: PhraseState, k: number): boolean {
  const a = s.at(k);
  const b = s.at(k + 1);
  if (a?.kind === 'word' && readMonth(a.text) !== null && (b?.kind === 'number' || b?.kind === 'ordinal')) return true;
  if ((a?.kind === 'number' || a?.kind === 'ordinal') && b?.kind === 'word' && readMonth(b.text) !== null) return true;
  if (a?.kind === 'ordinal' && isWord(b, 'of') && s.at(k + 2)?.kind === 'word' && readMonth((s.at(k + 2) as { text: string }).text) !== null) return true;
  return false;
}

/** How many tokens a start/end target takes at offset k ("december", "next month", "june 1, 2026", "tomorrow"). */
export function boundTargetLength(s: PhraseState, k: number): number {
  let n = 0;
  const tok = () => s.at(k + n);
  const w = () => s.word(k + n);
  if (isWord(tok(), 'next', 'this', 'the') && (UNIT_WORDS.has(s.word(k + 1) ?? '') || readWeekday(s.word(k + 1) ?? '') !== null || readMonth(s.word(k + 1) ?? '') !== null || isWord(s.at(k + 1), 'end'))) n += 2;
  else if (isWord(tok(), 'tomorrow', 'today', 'now', 'tonight')) n += 1;
  else if (isWord(tok(), 'end') && isWord(s.at(k + 1), 'of')) {
    n += 2;
    while (isWord(tok(), 'the', 'this', 'next')) n++;
    if (UNIT_WORDS.has(w() ?? '') || readMonth(w() ?? '') !== null) n++;
  } else {
    // a date or a month, with an optional day and year: "december", "june 1", "1st of june 2026", "2027"
    const start = n;
    if (tok()?.kind === 'ordinal' || tok()?.kind === 'number' && (tok() as { value: number }).value <= 31) {
      n++;
      if (isWord(tok(), 'of')) n++;
    }
    if (w() && readMonth(w() as string) !== null) {
      n++;
      if (tok()?.kind === 'ordinal' || (tok()?.kind === 'number' && (tok() as { value: number }).value <= 31)) n++;
    } else if (n > start) {
      n = start; // a bare number is not a date
    }
    if (isWord(tok(), 'and') === false && tok()?.kind === 'symbol' && (tok() as { text: string }).text === ',' && s.at(k + n + 1)?.kind === 'number') n++;
    const y = tok();
    if (y?.kind === 'number' && y.value >= 1970 && y.value <= 2199) n++;
    // a second date after "and"/"to" ("between march 1 and june 1")
    if (n > 0 && isWord(tok(), 'and', 'to', 'until', 'through') && isDateAt(s, k + n + 1)) n += 1 + boundTargetLength(s, k + n + 1);
  }
  return n;
}

export function readOneOffWords(s: PhraseState): boolean {
  const w = s.word();
  if (!w) return false;
  let length = 0;
  if (w === 'tomorrow' || w === 'today' || w === 'tonight' || w === 'now' || w === 'oneoff' || w === 'later' || w === 'soon') length = 1;
  else if (w === 'once' && !isWord(s.at(1), 'a', 'an', 'per', 'every', 'each', 'daily', 'weekly', 'monthly', 'yearly', 'hourly', 'quarterly')) length = 1;
  else if (w === 'just' && isWord(s.at(1), 'once')) length = 2;
  else if ((w === 'next' || w === 'this' || w === 'coming') && s.at(1)?.kind === 'word') {
    const next = s.word(1) as string;
    if (UNIT_WORDS.has(next) || readWeekday(next) !== null || readMonth(next) !== null || ['morning', 'afternoon', 'evening', 'night', 'weekend'].includes(next)) length = 2;
  } else if (w === 'in' && s.at(1)?.kind === 'number' && ['minute', 'hour', 'day', 'week', 'month'].includes(s.word(2) ?? '')) length = 3;
  else if (w === 'in' && isWord(s.at(1), 'a', 'an') && ['minute', 'hour', 'day', 'week', 'month'].includes(s.word(2) ?? '')) length = 3;
  if (length === 0) return false;
  if (w === 'tonight') s.periods.push('night');
  if ((w === 'next' || w === 'this' || w === 'coming') && UNIT_WORDS.has(s.word(1) ?? '')) s.nextPeriod = true;
  // "next friday": keep the day, so the alternative offers every Friday
  const day = (w === 'next' || w === 'this' || w === 'coming') ? readWeekday(s.word(1) ?? '') : null;
  if (day !== null) s.addWeekdays([day]);
  s.oneOffHint = true;
  s.said = true;
  s.i += length;
  return true;
}

/** Seasons, as the northern hemisphere's meteorological ones, for the alternative only. */
const SEASONS: Record<string, number[]> = ownKeysOnly({ summer: [6, 7, 8], winter: [12, 1, 2], spring: [3, 4, 5], autumn: [9, 10, 11], fall: [9, 10, 11] });

/** Vague frequencies said in several words: never read as "now" (a one-off) or "every" + something. */
const VAGUE_PHRASES: readonly string[][] = [
  ['every', 'now', 'and', 'again'], ['every', 'now', 'and', 'then'], ['now', 'and', 'then'], ['now', 'and', 'again'],
  ['from', 'time', 'to', 'time'], ['every', 'once', 'in', 'a', 'while'], ['once', 'in', 'a', 'while'],
  ['every', 'so', 'often'], ['every', 'so', 'many'], ['whenever', 'you', 'can'], ['when', 'you', 'can'],
  ['as', 'often', 'as', 'possible'], ['as', 'needed'], ['on', 'occasion'], ['here', 'and', 'there'],
];

export function readVagueWords(s: PhraseState): boolean {
  const w = s.word();
  if (!w) return false;
  let question: string | undefined;
  let suggestion: ((rest: ScheduleIr, restSaid: boolean) => string) | undefined;
  let length = 1;
  const vague = VAGUE_PHRASES.find((words) => words.every((x, k) => s.word(k) === x));
  const season = SEASONS[w] !== undefined && (w !== 'fall' || isWord(s.at(-1), 'in', 'during', 'every', 'each', 'this', 'the')) ? SEASONS[w] : undefined;
  if (season) {
    question = `Which months? "${w}" depends on the hemisphere (and on who you ask).`;
    suggestion = (rest) => renderPhrase({ ...rest, months: season });
  } else if (vague) {
    question = 'How often exactly? A schedule needs a fixed time.';
    length = vague.length;
  } else if (w === 'or') {
    question = 'That gives a choice of times or days; a schedule needs one answer. Which one?';
  } else if (w === 'few' || w === 'several' || w === 'couple' || w === 'some') {
    question = 'How many exactly? A schedule needs a number.';
    if (isWord(s.at(1), 'of')) length = 2;
    const unit = lookAheadUnit(s);
    const perPeriod = isWord(s.at(length), 'times');
    // "a few hours", "a couple of days", "a few times a week": the unit goes with the question
    if (perPeriod) {
      length++;
      if (isWord(s.at(length), 'a', 'an', 'per', 'each', 'every')) length++;
    }
    if (UNIT_WORDS.has(s.word(length) ?? '') || (perPeriod && ['daily', 'weekly', 'monthly'].includes(s.word(length) ?? ''))) length++;
    suggestion = (rest) => {
      if (perPeriod && unit === 'day') return renderPhrase({ ...rest, step: undefined, times: [{ hour: 9, minute: 0 }, { hour: 17, minute: 0 }] });
      if (perPeriod && unit === 'week') return renderPhrase({ ...rest, days: [{ kind: 'weekdays', days: [2, 4, 6] }] });
      if (perPeriod && unit === 'month') return renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1, 15] }] });
      if (unit === 'minute') return renderPhrase({ ...rest, times: [], step: { unit: 'minute', every: 30 } });
      if (unit === 'hour') return renderPhrase({ ...rest, times: [], step: { unit: 'hour', every: 2 } });
      if (unit === 'day') return renderPhrase({ ...rest, days: [{ kind: 'weekdays', days: [2, 4, 6] }] });
      if (unit === 'week') return renderPhrase({ ...rest, days: rest.days.length > 0 ? rest.days : [{ kind: 'weekdays', days: [2] }] });
      if (unit === 'month') return renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1] }] });
      return rest.times.length > 0 || rest.days.length > 0 ? renderPhrase(rest) : FALLBACK_SUGGESTION;
    };
  } else if (['sometimes', 'occasionally', 'regularly', 'periodically', 'often', 'frequently', 'random', 'randomly'].includes(w)) {
    question = 'How often exactly? A schedule needs a fixed time.';
  } else if (w === 'bimonthly') {
    question = '"Bimonthly" can mean twice a month or every two months. Which one?';
    suggestion = (rest) => renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1, 15] }] });
  } else {
    return false;
  }
  const q = question;
  const suggest = suggestion;
  s.flag(RANK.ambiguous, (rest, restSaid) => buildAmbiguousRefusal(q, suggest ? suggest(rest, restSaid) : restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
  s.said = true;
  s.i += length;
  return true;
}

export function lookAheadUnit(s: PhraseState): string | undefined {
  for (let k = 1; k <= 5; k++) {
    const w = s.word(k);
    if (w && UNIT_WORDS.has(w)) return w;
  }
  return undefined;
}
