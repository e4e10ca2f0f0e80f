/**
 * Time rules: clock times ("9am", "21:00", "half past 8", "quarter to 5", "noon", "lunchtime"), windows ("between 9
 * and 5", "9-5"), anchors ("starting at 7pm"), business hours, minutes past the hour (":30"), day periods
 * ("morning"), approximate times ("around 9am") and zones ("eastern", "London time", "UTC+2").
 */
import { readMonth } from '../normalise.js';
import { matchZoneWords } from '../zones.js';
import { UNIT_WORDS, isWord } from './state.js';
import type { Period, PhraseState, RawTime } from './state.js';

export function readZone(s: PhraseState): boolean {
  const m = matchZoneWords(s.t, s.i, s.text);
  if (!m) return false;
  // "in" before a zone is part of it; "la"/"sf" etc. only in capitals (see zones.ts)
  s.setZone(m.zone);
  s.i += m.length;
  return true;
}

/** A time at offset k: "9", "9am", "21:00", "noon", "half past 8", "quarter to 5", "12 noon", with its length. */
export function readTimeAt(s: PhraseState, k: number, loose = false): { time: RawTime; length: number } | null {
  const tok = s.at(k);
  if (!tok) return null;
  let time: RawTime | null = null;
  let length = 1;
  if (tok.kind === 'time') {
    time = { hour: tok.hour, minute: tok.minute, twentyFour: tok.twentyFour, text: s.typed(tok), ...(tok.meridiem ? { meridiem: tok.meridiem } : {}) };
  } else if (isWord(tok, 'noon')) {
    const typed = s.typed(tok).toLowerCase();
    time = { hour: 12, minute: 0, twentyFour: true, text: 'noon', ...(/lunch/.test(typed) ? { assumed: typed } : {}) };
  } else if (isWord(tok, 'midnight')) {
    time = { hour: 0, minute: 0, twentyFour: true, text: 'midnight' };
  } else if (
    isWord(tok, 'half', 'quarter') ||
    (tok.kind === 'number' && tok.value > 0 && tok.value < 60 &&
      (isWord(s.at(k + 1), 'past', 'after') || (isWord(s.at(k + 1), 'to', 'before') && isWord(s.at(k - 1), 'at'))))
  ) {
    const minutes = tok.kind === 'number' ? tok.value : isWord(tok, 'half') ? 30 : 15;
    let j = k + 1;
    if (isWord(s.at(j), 'minute')) j++;
    const rel = s.word(j);
    const hourTok = s.at(j + 1);
    const hour = hourTok?.kind === 'number' && Number.isInteger(hourTok.value) && hourTok.value <= 24 ? hourTok.value : hourTok?.kind === 'time' && hourTok.minute === 0 ? hourTok.hour : isWord(hourTok, 'noon') ? 12 : isWord(hourTok, 'midnight') ? 0 : undefined;
    if (isWord(tok, 'half') && rel === undefined && s.at(j)?.kind === 'number') {
      // British "half 8" = 8:30
      const h = (s.at(j) as { value: number }).value;
      return { time: { hour: h, minute: 30, twentyFour: false, text: s.typed(tok, s.at(j)) }, length: j - k + 1 };
    }
    if (hour === undefined || !['past', 'after', 'to', 'before'].includes(rel ?? '')) return null;
    const before = rel === 'to' || rel === 'before';
    const base = hourTok?.kind === 'time' ? hourTok : undefined;
    const exact = isWord(hourTok, 'noon', 'midnight');
    time = {
      hour, minute: 0, twentyFour: exact || (base?.twentyFour ?? false), text: s.typed(tok, hourTok),
      delta: before ? -minutes : minutes, ...(base?.meridiem ? { meridiem: base.meridiem } : {}),
    };
    length = j + 2 - k;
  } else if (tok.kind === 'number' && Number.isInteger(tok.value)) {
    const raw = tok.raw;
    const next = s.at(k + 1);
    if (raw.length === 4 && !tok.word) {
      // "0900", "1730": a 24-hour time; 1970–2199 only after "at" (otherwise a year)
      const h = Math.floor(tok.value / 100);
      const m = tok.value % 100;
      const asYear = tok.value >= 1970 && tok.value <= 2199;
      if (asYear && !isWord(s.at(k - 1), 'at', 'by')) return null;
      time = { hour: h, minute: m, twentyFour: true, text: raw };
    } else if (raw.length <= 2 || tok.word) {
      const wordOk = !tok.word || isWord(s.at(k - 1), 'at', 'by') || isWord(next, 'oclock', 'noon', 'midnight') || (isWord(next, 'in') && isWord(s.at(k + 2), 'the'));
      if (!wordOk && !loose) return null;
      if (tok.value > 24 && !isWord(s.at(k - 1), 'at')) return null;
      if (isWord(next, 'noon')) {
        time = { hour: 12, minute: 0, twentyFour: true, text: s.typed(tok, next) };
        length = 2;
      } else if (isWord(next, 'midnight')) {
        time = { hour: 0, minute: 0, twentyFour: true, text: s.typed(tok, next) };
        length = 2;
      } else {
        // a lone number followed by a unit or a month is not a time ("3 days", "15 june")
        if (next?.kind === 'word' && (UNIT_WORDS.has(next.text) || readMonth(next.text) !== null || next.text === 'times' || next.text === 'x')) return null;
        time = { hour: tok.value, minute: 0, twentyFour: raw.length === 2 && raw.startsWith('0'), text: s.typed(tok) };
      }
    } else return null;
  } else return null;
  if (!time) return null;
  // trailing "o'clock", "sharp", and a period just for this time: "8 in the morning", "7 at night"
  let j = k + length;
  if (isWord(s.at(j), 'oclock')) j++;
  const periodAt = (p: number): { period: Period; len: number } | null => {
    if (isWord(s.at(p), 'in') && isWord(s.at(p + 1), 'the') && isWord(s.at(p + 2), 'morning', 'afternoon', 'evening')) {
      return { period: s.word(p + 2) as Period, len: 3 };
    }
    if (isWord(s.at(p), 'at') && isWord(s.at(p + 1), 'night')) return { period: 'night', len: 2 };
    if (isWord(s.at(p), 'tonight')) return null;
    return null;
  };
  const p = periodAt(j);
  if (p) {
    time.period = p.period;
    j += p.len;
  }
  return { time, length: j - k };
}

export function readTime(s: PhraseState): boolean {
  const found = readTimeAt(s, 0);
  if (!found) return false;
  // "9-5", "9am to 5pm": a window
  const sep = s.at(found.length);
  if ((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'till', 'until', 'through')) {
    const end = readTimeAt(s, found.length + 1, true);
    if (end) {
      s.windowRaw = { from: found.time, to: end.time };
      s.windowSets++;
      s.said = true;
      s.i += found.length + 1 + end.length;
      return true;
    }
  }
  s.times.push(found.time);
  s.said = true;
  s.i += found.length;
  return true;
}

/** "between 9am and 5pm", "from 8 to 6", "until 5pm" (after a step). */
export function readWindow(s: PhraseState): boolean {
  const w = s.word();
  if (w !== 'between' && w !== 'from') return false;
  const from = readTimeAt(s, 1, true);
  if (!from) return false;
  const sepAt = 1 + from.length;
  const sep = s.at(sepAt);
  const joins = w === 'between' ? isWord(sep, 'and') || (sep?.kind === 'symbol' && sep.text === '-') : isWord(sep, 'to', 'till', 'until', 'through') || (sep?.kind === 'symbol' && sep.text === '-');
  if (joins) {
    const to = readTimeAt(s, sepAt + 1, true);
    if (to) {
      s.windowRaw = { from: from.time, to: to.time };
      s.windowSets++;
      s.said = true;
      s.i += sepAt + 1 + to.length;
      return true;
    }
  }
  if (w === 'from') {
    // "every 3 hours from 6am": where the step starts
    s.anchorRaw = from.time;
    s.said = true;
    s.i += 1 + from.length;
    return true;
  }
  return false;
}

/** "starting at 7pm", "beginning at 9". */
export function readStartAt(s: PhraseState): boolean {
  if (!isWord(s.at(), 'starting', 'beginning', 'start', 'commencing')) return false;
  let k = 1;
  if (isWord(s.at(k), 'at', 'from')) k++;
  const t = readTimeAt(s, k, true);
  if (!t) return false;
  s.anchorRaw = t.time;
  s.said = true;
  s.i += k + t.length;
  return true;
}

/** "during business hours", "in working hours", "office hours": Mon–Fri, 09:00–17:00. */
export function readBusinessHours(s: PhraseState): boolean {
  if (!isWord(s.at(), 'business', 'working', 'office', 'work') || !isWord(s.at(1), 'hour')) return false;
  s.businessHours = true;
  s.said = true;
  s.i += 2;
  return true;
}

/** ":30", "at 15 past", "at 15 minutes past the hour", "on the hour", "half past every hour". */
export function readMinutePast(s: PhraseState): boolean {
  const tok = s.at();
  if (tok?.kind === 'minuteMark') {
    s.minuteMark = tok.minute;
    s.minuteMarkSets++;
    s.said = true;
    s.i++;
    return true;
  }
  if (isWord(tok, 'on') && isWord(s.at(1), 'the') && isWord(s.at(2), 'hour')) {
    s.minuteMark = 0;
    s.minuteMarkSets++;
    s.i += 3;
    return true;
  }
  if (isWord(tok, 'on') && isWord(s.at(1), 'the') && isWord(s.at(2), 'half') && isWord(s.at(3), 'hour')) {
    s.minuteMark = 30;
    s.minuteMarkSets++;
    s.said = true;
    s.i += 4;
    return true;
  }
  const minutes = tok?.kind === 'number' ? tok.value : isWord(tok, 'half') ? 30 : isWord(tok, 'quarter') ? 15 : undefined;
  if (minutes === undefined) return false;
  let k = 1;
  if (isWord(s.at(k), 'minute')) k++;
  if (!isWord(s.at(k), 'past', 'after')) return false;
  k++;
  if (isWord(s.at(k), 'the', 'every', 'each') && isWord(s.at(k + 1), 'hour')) {
    if (isWord(s.at(k), 'every', 'each') && !s.step) s.setStep({ unit: 'hour', every: 1 });
    k += 2;
  } else if (s.at(k) !== undefined && readTimeAt(s, k, true)) return false; // "15 past 9" is a time
  s.minuteMark = minutes;
  s.minuteMarkSets++;
  s.said = true;
  s.i += k;
  return true;
}

/** morning, afternoon, evening, night (and their plurals): a default time, and am/pm for bare hours. */
export function readPeriod(s: PhraseState): boolean {
  const w = s.word();
  if (w !== 'morning' && w !== 'afternoon' && w !== 'evening' && w !== 'night') return false;
  s.periods.push(w);
  const tok = s.at() as { plural?: boolean; start: number; end: number };
  const typed = s.text.slice(tok.start, tok.end).toLowerCase();
  if (typed.endsWith('s') || isWord(s.at(-1), 'every', 'each')) {
    s.repeating = true;
    s.everyPeriod = true;
  }
  s.said = true;
  s.i++;
  return true;
}

/** "around 9am", "about 5", "roughly noon": the time; the hedge word is read with it (never a filler on its own). */
export function readApproximateTime(s: PhraseState): boolean {
  if (!isWord(s.at(), 'around', 'about', 'approximately', 'approx', 'roughly', 'circa')) return false;
  const k = isWord(s.at(1), 'at') ? 2 : 1;
  const found = readTimeAt(s, k, true);
  if (!found) return false;
  s.times.push(found.time);
  s.said = true;
  s.i += k + found.length;
  return true;
}
