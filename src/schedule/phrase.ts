/**
 * Step 2 of the phrase pipeline: tokens → intermediate form (ir.ts), or a refusal for what a schedule can never
 * be (a one-off, a condition, a holiday calendar, an end date, a vague frequency).
 *
 * The grammar is a set of rules tried at each position, in a fixed order; each rule reads a construction ("every
 * 2 hours", "mon-fri", "first monday", "between 9 and 5", "half past 8") and records it. Word order is free
 * ("at 9am every weekday" = "every weekday at 9am"); joining words are skipped; any other word makes the phrase
 * "not a schedule", because guessing around words we do not understand is how schedules go silently wrong.
 * Conventions (defaults, am/pm for bare hours) are those of schedules.md §8.2.
 */
import type { ClockTime, DaySelector, ScheduleIr, ScheduleStep } from './ir.js';
import { readMonth, readWeekday, tokenisePhrase } from './normalise.js';
import type { Token } from './normalise.js';
import {
  FALLBACK_SUGGESTION,
  buildAmbiguousRefusal,
  buildBoundsRefusal,
  buildCalendarRefusal,
  buildDayCountRefusal,
  buildEventTriggerRefusal,
  buildInvalidDateTimeRefusal,
  buildMultipleSchedulesRefusal,
  buildNotScheduleRefusal,
  buildOneOffRefusal,
  buildSkipWeeksRefusal,
  buildTooFrequentRefusal,
  renderOrdinal,
  renderPhrase,
} from './refusals.js';
import type { ScheduleRefusal } from './types.js';
import { matchZoneWords } from './zones.js';

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

type Period = 'morning' | 'afternoon' | 'evening' | 'night';
const PERIOD_DEFAULT: Record<Period, number> = { morning: 9, afternoon: 12, evening: 19, night: 22 };

/** A time as typed, before am/pm is settled. */
interface RawTime {
  hour: number;
  minute: number;
  meridiem?: 'am' | 'pm';
  twentyFour: boolean;
  period?: Period;
  /** "quarter to 5": minutes added after the hour is settled (so 5 decides am/pm, not 4). */
  delta?: number;
  text: string;
}

/** A refusal found while reading; its alternative is rendered at the end, from everything else that was read. */
interface Flag {
  rank: number;
  build: (rest: ScheduleIr, restSaid: boolean) => ScheduleRefusal;
  weak?: boolean;
}

// Lower rank wins when a phrase has several problems.
const RANK = {
  event: 0,
  calendar: 1,
  bounds: 2,
  oneOff: 3,
  interval: 4,
  frequent: 5,
  ambiguous: 6,
  invalid: 7,
} as const;

const FILLERS = new Set([
  'at', 'on', 'the', 'of', 'in', 'a', 'an', 'and', 'to', 'from', 'by', 'please', 'sharp', 'around', 'about',
  'approximately', 'roughly', 'oclock', 'also', 'then', 'local', 'during', 'within', 'every', 'each', 'forever',
  'indefinitely', 'ongoing', 'is', 'it', 'be', 'should', 'run', 'runs', 'recur', 'recurs', 'recurring', 'repeat',
  'repeating', 'repeats', 'time', 'o', 'clock', 'starting', 'on-going',
]);
const SYMBOL_FILLERS = new Set([',', '-', '(', ')', '.', ';', ':', '/', '!', '"', "'"]);

const UNIT_WORDS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year', 'seconds', 'fortnight', 'quarter']);

function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t?.kind === 'word' && words.includes(t.text);
}

class PhraseReader {
  private i = 0;
  private readonly flags: Flag[] = [];
  private unknown: Token[] = [];
  /** Anything schedule-like was read (so "banana" is told apart from "every banana"). */
  private said = false;
  private repeating = false;
  private weakDay = false;
  private pinnedDate = false;
  private oneOffHint = false;

  private readonly times: RawTime[] = [];
  private readonly order: Array<'D' | 'T'> = [];
  private firstDayGroup?: { weekdays: number[]; selectors: DaySelector[] };
  private readonly periods: Period[] = [];
  private minuteMark?: number;
  private step?: ScheduleStep;
  private windowRaw?: { from: RawTime; to?: RawTime };
  private anchorRaw?: RawTime;
  private businessHours = false;
  private readonly weekdays = new Set<number>();
  private readonly exceptDays = new Set<number>();
  private readonly exceptMonths = new Set<number>();
  private readonly selectors: DaySelector[] = [];
  private readonly months = new Set<number>();
  private readonly years = new Set<number>();
  private frequency?: 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'halfYearly' | 'yearly';
  private quarterEnd = false;
  private startMonth?: number;
  private zone?: string;

  constructor(
    private readonly t: readonly Token[],
    private readonly text: string,
  ) {}

  // ---------- cursor helpers ----------
  private at(k = 0): Token | undefined {
    return this.t[this.i + k];
  }

  private word(k = 0): string | undefined {
    const tok = this.at(k);
    return tok?.kind === 'word' ? tok.text : undefined;
  }

  private typed(from: Token | undefined, to?: Token): string {
    if (!from) return '';
    return this.text.slice(from.start, (to ?? from).end);
  }

  private flag(rank: number, build: Flag['build'], weak = false): void {
    this.flags.push({ rank, build, weak });
  }

  // ---------- the main loop ----------
  read(): PhraseParse {
    const rules: Array<() => boolean> = [
      () => this.readZone(),
      () => this.readEventWords(),
      () => this.readCalendarWords(),
      () => this.readBounds(),
      () => this.readOneOffWords(),
      () => this.readVagueWords(),
      () => this.readEvery(),
      () => this.readTimesPer(),
      () => this.readFrequencyWord(),
      () => this.readIntervalNoun(),
      () => this.readNearestWeekday(),
      () => this.readEdgeOfPeriod(),
      () => this.readExcept(),
      () => this.readOrdinals(),
      () => this.readDayWords(),
      () => this.readMonths(),
      () => this.readQuarterNames(),
      () => this.readMonthContext(),
      () => this.readWindow(),
      () => this.readStartAt(),
      () => this.readBusinessHours(),
      () => this.readMinutePast(),
      () => this.readTime(),
      () => this.readPeriod(),
      () => this.readYear(),
    ];
    while (this.i < this.t.length) {
      const before = { times: this.times.length, days: this.weekdays.size + this.selectors.length };
      if (rules.some((rule) => rule())) {
        // the order in which days and times were named, to spot "mondays at 9 and fridays at 5"
        if (this.weekdays.size + this.selectors.length > before.days) this.order.push('D');
        if (this.times.length > before.times) {
          if (this.order[this.order.length - 1] === 'D' && !this.firstDayGroup) {
            this.firstDayGroup = { weekdays: [...this.weekdays], selectors: this.selectors.slice() };
          }
          this.order.push('T');
        }
        continue;
      }
      const tok = this.t[this.i] as Token;
      const filler = (tok.kind === 'word' && FILLERS.has(tok.text)) || (tok.kind === 'symbol' && SYMBOL_FILLERS.has(tok.text));
      if (tok.kind === 'word' && (tok.text === 'every' || tok.text === 'each')) this.repeating = true;
      if (!filler) this.unknown.push(tok);
      this.i++;
    }
    return this.finish();
  }

  // ---------- rules ----------
  private readZone(): boolean {
    const m = matchZoneWords(this.t, this.i, this.text);
    if (!m) return false;
    // "in" before a zone is part of it; "la"/"sf" etc. only in capitals (see zones.ts)
    this.zone = m.zone;
    this.i += m.length;
    return true;
  }

  private readEventWords(): boolean {
    const w = this.word();
    const eventStart =
      w === 'when' || w === 'whenever' || w === 'if' || w === 'unless' || w === 'once' && isWord(this.at(1), 'the', 'a', 'an', 'we', 'it', 'there', 'revenue') && !isWord(this.at(2), 'day', 'week', 'month', 'year', 'quarter') ||
      ((w === 'every' || w === 'each') && isWord(this.at(1), 'time')) ||
      (w === 'as' && isWord(this.at(1), 'soon') && isWord(this.at(2), 'as'));
    if (!eventStart) return false;
    this.flag(RANK.event, () => buildEventTriggerRefusal());
    this.said = true;
    this.i += w === 'as' ? 3 : w === 'every' || w === 'each' ? 2 : 1;
    return true;
  }

  private readCalendarWords(): boolean {
    const w = this.word();
    if (!w) return false;
    let what: string | undefined;
    let length = 1;
    if (w === 'holiday' || w === 'christmas' || w === 'thanksgiving' || w === 'easter' || w === 'diwali') what = 'public holidays';
    else if (w === 'bank' && isWord(this.at(1), 'holiday')) {
      what = 'public holidays';
      length = 2;
    } else if (w === 'fiscal' || w === 'financial' || /^fy\d*$/.test(w)) what = 'a fiscal calendar';
    else if (w === 'lunar' || w === 'ramadan' || w === 'hanukkah') what = 'that calendar';
    if (!what) return false;
    const calendar = what;
    this.flag(RANK.calendar, (rest, restSaid) =>
      buildCalendarRefusal(calendar, restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION),
    );
    this.said = true;
    this.i += length;
    return true;
  }

  /** Start and end dates: "until december", "for 4 weeks", "starting next month", "between march 1 and june 1". */
  private readBounds(): boolean {
    const w = this.word();
    if (!w) return false;
    const boundFlag = (length: number) => {
      this.flag(RANK.bounds, (rest, restSaid) => buildBoundsRefusal(restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
      this.said = true;
      this.i += length;
      return true;
    };
    if (w === 'until' || w === 'till' || w === 'through' || w === 'ending' || w === 'ends' || w === 'up') {
      if (w === 'until' && isWord(this.at(1), 'further') && isWord(this.at(2), 'notice')) {
        this.i += 3;
        return true;
      }
      // "until 5pm" is a window end, read by readWindow when a start came before; alone it still bounds the day
      if (this.readTimeAt(1) && w !== 'ending' && w !== 'ends') return false;
      if (w === 'up' && !isWord(this.at(1), 'to', 'until')) return false;
      let k = 1;
      while (isWord(this.at(k), 'the', 'end', 'of', 'on', 'to', 'until')) k++;
      return boundFlag(k + this.boundTargetLength(k));
    }
    if (w === 'for') {
      // for 4 weeks / for a month / for the next 3 months / for the rest of the year
      let k = 1;
      while (isWord(this.at(k), 'the', 'next', 'a', 'an', 'rest', 'of', 'this')) k++;
      const tok = this.at(k);
      if (tok?.kind === 'number' && UNIT_WORDS.has(this.word(k + 1) ?? '')) return boundFlag(k + 2);
      if (tok?.kind === 'word' && UNIT_WORDS.has(tok.text) && k > 1) return boundFlag(k + 1);
      return false;
    }
    if (w === 'starting' || w === 'beginning' || w === 'effective' || w === 'commencing' || w === 'from' || w === 'after') {
      let k = 1;
      while (isWord(this.at(k), 'on', 'from', 'in', 'the')) k++;
      if (this.readTimeAt(k)) return false; // "starting at 7pm": readStartAt
      const target = this.at(k);
      if (target?.kind === 'word') {
        const month = readMonth(target.text);
        if (month !== null && w !== 'from' && w !== 'after') {
          const next = this.at(k + 1);
          if (next?.kind !== 'number' && next?.kind !== 'ordinal') {
            // "starting in march": an anchor for month steps, a start date otherwise (decided in finish)
            this.startMonth = month;
            this.said = true;
            this.i += k + 1;
            return true;
          }
        }
      }
      if (target?.kind === 'word' && readMonth(target.text) !== null) {
        const sep = this.at(k + 1);
        const isRange = (sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through', 'till', 'until');
        if (isRange && readMonth(this.word(k + 2) ?? '') !== null) return false; // "from june to august": months
      }
      const length = this.boundTargetLength(k);
      if (length === 0) {
        if (w === 'starting' || w === 'beginning' || w === 'effective' || w === 'commencing') {
          // "starting monday": a weekday as a start date
          const day = target?.kind === 'word' ? readWeekday(target.text) : null;
          if (day !== null && !(target?.kind === 'word' && target.plural)) return boundFlag(k + 1);
          if (isWord(target, 'now', 'today', 'immediately')) {
            this.i += k + 1;
            return true;
          }
        }
        return false;
      }
      if (w === 'after' && length > 0 && !this.isDateAt(k)) return false;
      return boundFlag(k + length);
    }
    if (w === 'between' && this.isDateAt(1)) {
      return boundFlag(1 + this.boundTargetLength(1));
    }
    return false;
  }

  /** True when a calendar date ("june 1", "1st of june", "2026-06-01") starts at offset k. */
  private isDateAt(k: number): boolean {
    const a = this.at(k);
    const b = this.at(k + 1);
    if (a?.kind === 'word' && readMonth(a.text) !== null && (b?.kind === 'number' || b?.kind === 'ordinal')) return true;
    if ((a?.kind === 'number' || a?.kind === 'ordinal') && b?.kind === 'word' && readMonth(b.text) !== null) return true;
    if (a?.kind === 'ordinal' && isWord(b, 'of') && this.at(k + 2)?.kind === 'word' && readMonth((this.at(k + 2) as { text: string }).text) !== null) return true;
    return false;
  }

  /** How many tokens a start/end target takes at offset k ("december", "next month", "june 1, 2026", "tomorrow"). */
  private boundTargetLength(k: number): number {
    let n = 0;
    const tok = () => this.at(k + n);
    const w = () => this.word(k + n);
    if (isWord(tok(), 'next', 'this', 'the') && (UNIT_WORDS.has(this.word(k + 1) ?? '') || readWeekday(this.word(k + 1) ?? '') !== null || readMonth(this.word(k + 1) ?? '') !== null || isWord(this.at(k + 1), 'end'))) n += 2;
    else if (isWord(tok(), 'tomorrow', 'today', 'now', 'tonight')) n += 1;
    else if (isWord(tok(), 'end') && isWord(this.at(k + 1), 'of')) {
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
      if (isWord(tok(), 'and') === false && tok()?.kind === 'symbol' && (tok() as { text: string }).text === ',' && this.at(k + n + 1)?.kind === 'number') n++;
      const y = tok();
      if (y?.kind === 'number' && y.value >= 1970 && y.value <= 2199) n++;
      // a second date after "and"/"to" ("between march 1 and june 1")
      if (n > 0 && isWord(tok(), 'and', 'to', 'until', 'through') && this.isDateAt(k + n + 1)) n += 1 + this.boundTargetLength(k + n + 1);
    }
    return n;
  }

  private readOneOffWords(): boolean {
    const w = this.word();
    if (!w) return false;
    let length = 0;
    if (w === 'tomorrow' || w === 'today' || w === 'tonight' || w === 'now' || w === 'oneoff' || w === 'later' || w === 'soon') length = 1;
    else if (w === 'once' && !isWord(this.at(1), 'a', 'an', 'per', 'every', 'each', 'daily', 'weekly', 'monthly', 'yearly', 'hourly', 'quarterly')) length = 1;
    else if (w === 'just' && isWord(this.at(1), 'once')) length = 2;
    else if ((w === 'next' || w === 'this' || w === 'coming') && this.at(1)?.kind === 'word') {
      const next = this.word(1) as string;
      if (UNIT_WORDS.has(next) || readWeekday(next) !== null || readMonth(next) !== null || ['morning', 'afternoon', 'evening', 'night', 'weekend'].includes(next)) length = 2;
    } else if (w === 'in' && this.at(1)?.kind === 'number' && ['minute', 'hour', 'day', 'week', 'month'].includes(this.word(2) ?? '')) length = 3;
    else if (w === 'in' && isWord(this.at(1), 'a', 'an') && ['minute', 'hour', 'day', 'week', 'month'].includes(this.word(2) ?? '')) length = 3;
    if (length === 0) return false;
    if (w === 'tonight') this.periods.push('night');
    this.oneOffHint = true;
    this.said = true;
    this.i += length;
    return true;
  }

  private readVagueWords(): boolean {
    const w = this.word();
    if (!w) return false;
    let question: string | undefined;
    let suggestion: ((rest: ScheduleIr, restSaid: boolean) => string) | undefined;
    let length = 1;
    if (w === 'or') {
      question = 'That gives a choice of times or days; a schedule needs one answer. Which one?';
    } else if (w === 'few' || w === 'several' || w === 'couple' || w === 'some') {
      question = 'How many exactly? A schedule needs a number.';
      if (isWord(this.at(1), 'of')) length = 2;
      suggestion = () => (this.lookAheadUnit() === 'minute' ? 'every 30 minutes' : this.lookAheadUnit() === 'day' ? 'every monday, wednesday and friday at 9am' : 'every 2 hours');
    } else if (['sometimes', 'occasionally', 'regularly', 'periodically', 'often', 'frequently', 'random', 'randomly', 'whenever'].includes(w)) {
      question = 'How often exactly? A schedule needs a fixed time.';
    } else if (w === 'bimonthly') {
      question = '"Bimonthly" can mean twice a month or every two months. Which one?';
      suggestion = (rest) => renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1, 15] }] });
    } else {
      return false;
    }
    const q = question;
    const s = suggestion;
    this.flag(RANK.ambiguous, (rest, restSaid) => buildAmbiguousRefusal(q, s ? s(rest, restSaid) : restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
    this.said = true;
    this.i += length;
    return true;
  }

  private lookAheadUnit(): string | undefined {
    for (let k = 1; k <= 3; k++) {
      const w = this.word(k);
      if (w && UNIT_WORDS.has(w)) return w;
    }
    return undefined;
  }

  /** "every 15 minutes", "every other week", "every 3 days", "every second", "every half hour", "every 27". */
  private readEvery(): boolean {
    const w = this.word();
    if (w !== 'every' && w !== 'each' && w !== 'per') return false;
    let k = 1;
    let count: number | undefined;
    const first = this.at(1);
    if (first?.kind === 'number') {
      count = first.value;
      k = 2;
    } else if (isWord(first, 'other', 'alternate')) {
      count = 2;
      k = 2;
    } else if (first?.kind === 'ordinal' && first.value >= 2 && first.value <= 12) {
      // "every second week" counts; "every second monday" is an nth weekday (readOrdinals)
      const unit = this.word(2);
      if (unit && (UNIT_WORDS.has(unit) || unit === 'weekday' || unit === 'workday' || unit === 'business')) {
        count = first.value;
        k = 2;
      } else if (first.value === 2 && first.word && this.at(2) === undefined) {
        this.flagSeconds();
        this.i += 2;
        return true;
      }
    } else if (isWord(first, 'half') && isWord(this.at(2), 'hour')) {
      this.setStep({ unit: 'minute', every: 30 });
      this.i += 3;
      return true;
    } else if (isWord(first, 'half') && isWord(this.at(2), 'an', 'a') && isWord(this.at(3), 'hour')) {
      this.setStep({ unit: 'minute', every: 30 });
      this.i += 4;
      return true;
    } else if (isWord(first, 'quarter') && (isWord(this.at(2), 'hour') || (isWord(this.at(2), 'of') && isWord(this.at(4), 'hour')))) {
      this.setStep({ unit: 'minute', every: 15 });
      this.i += isWord(this.at(2), 'hour') ? 3 : 5;
      return true;
    }
    if (count === undefined) {
      const unit = this.word(1);
      if (unit === 'seconds' || (unit === 'second' && this.at(2) === undefined)) {
        this.flagSeconds();
        this.i += 2;
        return true;
      }
      if (unit === 'minute' || unit === 'hour') {
        this.setStep({ unit, every: 1 });
        this.i += 2;
        return true;
      }
      if (unit === 'fortnight') {
        this.flagWeekSkip(2);
        this.i += 2;
        return true;
      }
      this.repeating = true;
      this.i += 1;
      return true;
    }
    // a count: what is being counted?
    const unitTok = this.at(k);
    const unit = unitTok?.kind === 'word' ? unitTok.text : undefined;
    const n = count;
    if (unit === 'seconds') {
      this.flagSeconds();
      this.i += k + 1;
      return true;
    }
    if (unit === 'minute') {
      this.setStep({ unit: 'minute', every: n });
      this.i += k + 1;
      return true;
    }
    if (unit === 'hour') {
      if (!Number.isInteger(n)) this.setStep({ unit: 'minute', every: Math.round(n * 60) });
      else this.setStep({ unit: 'hour', every: n });
      this.i += k + 1;
      return true;
    }
    if (unit === 'day' || unit === 'weekday' || unit === 'workday' || (unit === 'business' && isWord(this.at(k + 1), 'day'))) {
      const length = unit === 'business' ? 2 : 1;
      if (n === 1 && unit === 'day') this.frequency = 'daily';
      else if (n === 1) this.addWeekdays([2, 3, 4, 5, 6]);
      else {
        this.flag(RANK.interval, (rest) => buildDayCountRefusal(renderPhrase({ ...rest, days: [{ kind: 'weekdays', days: [2, 4, 6] }] })));
      }
      this.said = true;
      this.repeating = true;
      this.i += k + length;
      return true;
    }
    if (unit === 'week' || unit === 'fortnight' || (unit !== undefined && readWeekday(unit) !== null)) {
      const weeks = unit === 'fortnight' ? n * 2 : n;
      if (weeks === 1) {
        this.frequency = 'weekly';
        this.repeating = true;
        this.said = true;
        this.i += k + 1;
        return true;
      }
      if (unit !== undefined && readWeekday(unit) !== null) {
        this.addWeekdays([readWeekday(unit) as number]);
        this.i += k + 1;
      } else this.i += k + 1;
      this.flagWeekSkip(weeks);
      return true;
    }
    if (unit === 'month') {
      if (n === 1) this.frequency = 'monthly';
      else this.step = { ...this.step, unit: 'month', every: n };
      this.repeating = true;
      this.said = true;
      this.i += k + 1;
      return true;
    }
    if (unit === 'quarter') {
      if (n === 1) this.frequency = 'quarterly';
      else this.step = { unit: 'month', every: n * 3 };
      this.repeating = true;
      this.said = true;
      this.i += k + 1;
      return true;
    }
    if (unit === 'year') {
      if (n === 1) this.frequency = 'yearly';
      else this.step = { unit: 'year', every: n };
      this.repeating = true;
      this.said = true;
      this.i += k + 1;
      return true;
    }
    if (first?.kind === 'number' && Number.isInteger(n) && n >= 1 && n <= 31 && first.word !== true) {
      // Todoist's "every 27": the 27th of each month
      this.selectors.push({ kind: 'monthDays', days: [n] });
      this.repeating = true;
      this.said = true;
      this.i += 2;
      return true;
    }
    this.repeating = true;
    this.i += 1;
    return true;
  }

  private flagSeconds(): void {
    this.flag(RANK.frequent, () => buildTooFrequentRefusal(60, 'every hour'));
    this.said = true;
  }

  private flagWeekSkip(weeks: number): void {
    this.flag(RANK.interval, (rest) => {
      const days = rest.days.length > 0 ? rest.days : [{ kind: 'weekdays' as const, days: [2] }];
      const suggestion = renderPhrase({ ...rest, days });
      return weeks === 2 ? buildSkipWeeksRefusal(suggestion) : buildSkipWeeksRefusal(suggestion);
    });
    this.said = true;
    this.repeating = true;
  }

  private setStep(step: ScheduleStep): void {
    this.step = { ...step, ...(this.step?.minute !== undefined ? { minute: this.step.minute } : {}) };
    this.said = true;
    this.repeating = true;
  }

  /** "once a week", "twice a day", "3 times a week", "twice daily". */
  private readTimesPer(): boolean {
    const w = this.word();
    const tok = this.at();
    let times: number | undefined;
    let k = 1;
    if (w === 'once') times = 1;
    else if (w === 'twice') times = 2;
    else if (w === 'thrice') times = 3;
    else if (tok?.kind === 'number' && isWord(this.at(1), 'times', 'x')) {
      times = tok.value;
      k = 2;
    }
    if (times === undefined) return false;
    if (isWord(this.at(k), 'a', 'an', 'per', 'every', 'each')) k++;
    const unit = this.word(k);
    const freq = unit === 'daily' ? 'day' : unit === 'weekly' ? 'week' : unit === 'monthly' ? 'month' : unit === 'yearly' ? 'year' : unit === 'hourly' ? 'hour' : unit;
    if (!freq || !['day', 'week', 'month', 'year', 'hour', 'quarter'].includes(freq)) return false;
    this.said = true;
    this.repeating = true;
    this.i += k + 1;
    if (times === 1) {
      if (freq === 'day') this.frequency = 'daily';
      else if (freq === 'week') this.frequency = 'weekly';
      else if (freq === 'month') this.frequency = 'monthly';
      else if (freq === 'quarter') this.frequency = 'quarterly';
      else if (freq === 'year') this.frequency = 'yearly';
      else this.setStep({ unit: 'hour', every: 1 });
      return true;
    }
    if (times === 2 && freq === 'year') {
      this.frequency = 'halfYearly';
      return true;
    }
    const question =
      freq === 'day' ? `Which ${times} times of day?` : freq === 'week' ? `Which ${times} days of the week?` : freq === 'month' ? `Which ${times} days of the month?` : `At which ${times} times?`;
    const pick = (rest: ScheduleIr): string => {
      if (freq === 'day') {
        const options = [9, 17, 13, 21].slice(0, Math.min(times, 4)).sort((a, b) => a - b);
        return renderPhrase({ ...rest, times: options.map((hour) => ({ hour, minute: 0 })) });
      }
      if (freq === 'week') return renderPhrase({ ...rest, days: [{ kind: 'weekdays', days: times >= 3 ? [2, 4, 6] : [3, 6] }] });
      if (freq === 'month') return renderPhrase({ ...rest, days: [{ kind: 'monthDays', days: [1, 15] }] });
      return FALLBACK_SUGGESTION;
    };
    this.flag(RANK.ambiguous, (rest) => buildAmbiguousRefusal(question, pick(rest)));
    return true;
  }

  /** daily, weekly, monthly, hourly, quarterly, yearly, nightly, fortnightly, biweekly… */
  private readFrequencyWord(): boolean {
    const w = this.word();
    switch (w) {
      case 'daily':
      case 'weekly':
      case 'monthly':
      case 'quarterly':
      case 'yearly':
        this.frequency = w;
        break;
      case 'halfyearly':
        this.frequency = 'halfYearly';
        break;
      case 'nightly':
        this.frequency = 'daily';
        this.periods.push('night');
        break;
      case 'hourly':
        this.setStep({ unit: 'hour', every: 1 });
        break;
      case 'halfhourly':
        this.setStep({ unit: 'minute', every: 30 });
        break;
      case 'minutely':
        this.setStep({ unit: 'minute', every: 1 });
        break;
      case 'fortnightly':
      case 'biweekly':
        this.flagWeekSkip(2);
        break;
      case 'twicedaily':
        this.flag(RANK.ambiguous, (rest) => buildAmbiguousRefusal('Which two times of day?', renderPhrase({ ...rest, times: [{ hour: 9, minute: 0 }, { hour: 17, minute: 0 }] })));
        break;
      case 'real':
        if (!isWord(this.at(1), 'time')) return false;
        this.flagSeconds();
        this.i++;
        break;
      case 'constantly':
      case 'continuously':
      case 'realtime':
        this.flagSeconds();
        break;
      default:
        return false;
    }
    this.repeating = true;
    this.said = true;
    this.i++;
    return true;
  }

  /** "15-minute intervals", "at 2 hour intervals". */
  private readIntervalNoun(): boolean {
    const tok = this.at();
    if (tok?.kind !== 'number') return false;
    let k = 1;
    if (this.at(k)?.kind === 'symbol') k++;
    const unit = this.word(k);
    if ((unit !== 'minute' && unit !== 'hour') || !isWord(this.at(k + 1), 'interval')) return false;
    this.setStep({ unit, every: tok.value });
    this.i += k + 2;
    return true;
  }

  /** "nearest weekday to the 15th", "weekday nearest the 15th", "closest business day to the 1st". */
  private readNearestWeekday(): boolean {
    let k = 0;
    if (isWord(this.at(k), 'nearest', 'closest')) {
      k++;
      if (isWord(this.at(k), 'business', 'working', 'work')) k++;
      if (!isWord(this.at(k), 'weekday', 'day', 'workday')) return false;
      k++;
    } else if (isWord(this.at(k), 'weekday', 'workday') && isWord(this.at(k + 1), 'nearest', 'closest')) {
      k += 2;
    } else return false;
    while (isWord(this.at(k), 'to', 'the', 'of')) k++;
    const day = this.at(k);
    if (day?.kind !== 'ordinal' && day?.kind !== 'number') return false;
    this.selectors.push({ kind: 'nearestWeekday', day: day.value });
    if (day.value > 31 || day.value < 1) this.flagInvalidDay(day.value);
    this.said = true;
    this.repeating = true;
    this.i += k + 1;
    return true;
  }

  /** "end of the month", "start of the month", "mid-month", "end of day", "end of the quarter/year/week". */
  private readEdgeOfPeriod(): boolean {
    const w = this.word();
    if (w === 'eod' || w === 'cob') {
      this.times.push({ hour: 17, minute: 0, twentyFour: true, text: w });
      this.said = true;
      this.i++;
      return true;
    }
    if (w === 'mid' && (isWord(this.at(1), 'month') || (this.at(1)?.kind === 'symbol' && isWord(this.at(2), 'month')))) {
      this.selectors.push({ kind: 'monthDays', days: [15] });
      this.said = true;
      this.repeating = true;
      this.i += isWord(this.at(1), 'month') ? 2 : 3;
      return true;
    }
    const edge = w === 'end' || w === 'close' ? 'end' : w === 'start' || w === 'beginning' || w === 'middle' ? (w === 'middle' ? 'mid' : 'start') : undefined;
    if (!edge || !isWord(this.at(1), 'of')) return false;
    let k = 2;
    while (isWord(this.at(k), 'the', 'each', 'every', 'a')) k++;
    const what = this.word(k);
    if (what === 'day' || what === 'business' || (w === 'close' && what === 'business')) {
      if (edge === 'end') this.times.push({ hour: 17, minute: 0, twentyFour: true, text: 'end of day' });
      else if (edge === 'start') this.times.push({ hour: 9, minute: 0, twentyFour: true, text: 'start of day' });
      else this.times.push({ hour: 12, minute: 0, twentyFour: true, text: 'midday' });
      this.said = true;
      this.i += k + 1;
      return true;
    }
    if (what === 'month' || what === 'quarter' || what === 'year') {
      if (edge === 'end') this.selectors.push({ kind: 'lastDay' });
      else if (edge === 'start') this.selectors.push({ kind: 'monthDays', days: [1] });
      else this.selectors.push({ kind: 'monthDays', days: [15] });
      if (what === 'quarter') {
        this.frequency = 'quarterly';
        if (edge === 'end') this.quarterEnd = true;
      } else if (what === 'year') {
        this.frequency = 'yearly';
        this.addMonths(edge === 'end' ? [12] : edge === 'start' ? [1] : [6]);
      }
      this.said = true;
      this.repeating = true;
      this.i += k + 1;
      return true;
    }
    if (what === 'week' || what === 'workweek') {
      this.addWeekdays(edge === 'end' ? [6] : edge === 'start' ? [2] : [4]);
      this.repeating = true;
      this.said = true;
      this.i += k + 1;
      return true;
    }
    return false;
  }

  /** "except friday", "but not weekends", "excluding holidays", "other than june". */
  private readExcept(): boolean {
    const w = this.word();
    let k = 1;
    if (w === 'except' || w === 'exclude' || w === 'skip' || w === 'skipping' || w === 'save' || w === 'without') k = 1;
    else if (w === 'but' || w === 'not') k = 1;
    else if ((w === 'other' && isWord(this.at(1), 'than')) || (w === 'apart' && isWord(this.at(1), 'from'))) k = 2;
    else return false;
    let found = 0;
    for (;;) {
      while (isWord(this.at(k), 'not', 'on', 'the', 'and', 'for', 'or', 'in', 'except', 'public') || (this.at(k)?.kind === 'symbol' && (this.at(k) as { text: string }).text === ',')) k++;
      const tok = this.at(k);
      if (tok?.kind !== 'word') break;
      const day = readWeekday(tok.text);
      const month = readMonth(tok.text);
      if (day !== null) {
        const range = this.readDayRangeEnd(k + 1);
        const days = range ? expandWrap(day, range.day, 7) : [day];
        for (const d of days) this.exceptDays.add(d);
        k += range ? range.length + 1 : 1;
      } else if (tok.text === 'weekend') {
        this.exceptDays.add(1).add(7);
        k++;
      } else if (tok.text === 'weekday') {
        for (const d of [2, 3, 4, 5, 6]) this.exceptDays.add(d);
        k++;
      } else if (month !== null) {
        this.exceptMonths.add(month);
        k++;
      } else if (tok.text === 'holiday' || (tok.text === 'bank' && isWord(this.at(k + 1), 'holiday'))) {
        this.flag(RANK.calendar, (rest, restSaid) => buildCalendarRefusal('public holidays', restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION));
        k += tok.text === 'bank' ? 2 : 1;
      } else break;
      found++;
    }
    if (found === 0) return false;
    this.said = true;
    this.i += k;
    return true;
  }

  /** After a weekday at offset k: "-fri", "to friday", "through fri" → the end day and tokens used. */
  private readDayRangeEnd(k: number): { day: number; length: number } | null {
    const sep = this.at(k);
    const isSep = (sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through', 'till', 'until');
    if (!isSep) return null;
    const end = this.word(k + 1);
    const day = end ? readWeekday(end) : null;
    return day === null ? null : { day, length: 2 };
  }

  /**
   * Ordinals and "last": "1st and 15th", "first monday", "2nd tuesday", "last friday", "last day", "first business
   * day", "1st of june", "the 3rd", "15 june" (a number directly before a month).
   */
  private readOrdinals(): boolean {
    const items: Array<number | 'last'> = [];
    let k = 0;
    let sawWordOrdinal = false;
    const startTok = this.at();
    if (startTok?.kind === 'number' && !startTok.word && startTok.value <= 31) {
      const next = this.at(1);
      if (!(next?.kind === 'word' && readMonth(next.text) !== null)) return false;
    } else if (startTok?.kind !== 'ordinal' && !isWord(startTok, 'last')) return false;
    if (isWord(startTok, 'last') && isWord(this.at(1), 'week', 'month', 'year', 'night', 'time')) return false;
    for (;;) {
      const tok = this.at(k);
      if (tok?.kind === 'ordinal') {
        items.push(tok.value);
        sawWordOrdinal = sawWordOrdinal || tok.word;
        k++;
      } else if (isWord(tok, 'last')) {
        items.push('last');
        k++;
      } else if (tok?.kind === 'number' && !tok.word && tok.value <= 31 && items.length === 0) {
        items.push(tok.value);
        k++;
      } else break;
      // "1st-5th", "1st to the 5th": a range of days
      const sep = this.at(k);
      const after = this.at(k + 1) ?? undefined;
      const afterThe = isWord(after, 'the') ? this.at(k + 2) : after;
      const prev = items[items.length - 1];
      if (((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through')) && afterThe?.kind === 'ordinal' && typeof prev === 'number' && afterThe.value > prev) {
        for (let d = prev + 1; d <= afterThe.value; d++) items.push(d);
        k += isWord(after, 'the') ? 3 : 2;
      }
      const joiner = this.at(k);
      const isJoin = isWord(joiner, 'and') || (joiner?.kind === 'symbol' && joiner.text === ',');
      if (!isJoin) break;
      let j = k + 1;
      if (isWord(this.at(j), 'and')) j++;
      if (isWord(this.at(j), 'the', 'on')) j++;
      if (isWord(this.at(j), 'the')) j++;
      const nxt = this.at(j);
      if (nxt?.kind === 'ordinal' || isWord(nxt, 'last')) k = j;
      else break;
    }
    if (items.length === 0) return false;
    let after = this.at(k);
    // "second to last": not something Omni can say
    const afterWord = after?.kind === 'word' ? after.text : undefined;
    const weekday = afterWord ? readWeekday(afterWord) : null;
    const done = (length: number) => {
      this.said = true;
      this.repeating = true;
      this.i += length;
      return true;
    };
    if (weekday !== null) {
      for (const item of items) {
        if (item === 'last') this.selectors.push({ kind: 'lastOfWeekday', weekday });
        else if (item >= 1 && item <= 5) this.selectors.push({ kind: 'nthWeekday', weekday, nth: item });
        else {
          const n = item;
          this.flag(RANK.invalid, (rest) => buildInvalidDateTimeRefusal(`A ${renderOrdinal(n)} ${afterWord as string} of the month`, renderPhrase({ ...rest, days: [{ kind: 'lastOfWeekday', weekday }] })));
        }
      }
      return done(k + 1);
    }
    if (afterWord === 'business' || afterWord === 'working' || afterWord === 'work' || afterWord === 'workday' || afterWord === 'weekday') {
      const length = afterWord === 'workday' || afterWord === 'weekday' ? 1 : isWord(this.at(k + 1), 'day') ? 2 : 0;
      if (length === 0) return false;
      for (const item of items) {
        if (item === 'last') this.selectors.push({ kind: 'lastBusinessDay' });
        else if (item === 1) this.selectors.push({ kind: 'nearestWeekday', day: 1 });
        else {
          const n = item;
          this.flag(RANK.calendar, (rest) =>
            buildCalendarRefusal(`a count of business days (the ${renderOrdinal(n)} one)`, renderPhrase({ ...rest, days: [{ kind: 'nearestWeekday', day: 1 }] })),
          );
        }
      }
      return done(k + length);
    }
    const sawDay = afterWord === 'day';
    if (sawDay) k++;
    // "of june", "of every month", "of the quarter"
    after = this.at(k);
    // "last" alone is "last week", "last time"…: only "last day", "last of the month", "last friday" are days
    if (!sawDay && items.includes('last') && !isWord(after, 'of')) return false;
    let monthAfter: number | null = null;
    if (isWord(after, 'of') || after?.kind === 'word' && readMonth(after.text) !== null) {
      const m = isWord(after, 'of') ? this.word(k + 1) : (after as { text: string }).text;
      monthAfter = m ? readMonth(m) : null;
      if (monthAfter !== null) k += isWord(after, 'of') ? 2 : 1;
    }
    const days: number[] = [];
    for (const item of items) {
      if (item === 'last') this.selectors.push({ kind: 'lastDay' });
      else if (item < 1 || item > 31) this.flagInvalidDay(item);
      else days.push(item);
    }
    if (days.length > 0) this.selectors.push({ kind: 'monthDays', days });
    if (monthAfter !== null) {
      this.addMonths([monthAfter]);
      this.readMonthListTail(k);
      k = this.monthTailEnd;
      this.pinnedDate = true;
    }
    void sawWordOrdinal;
    return done(k);
  }

  private monthTailEnd = 0;

  /** After a month at offset k-1: ", july and august" / "and july" — adds months, sets monthTailEnd. */
  private readMonthListTail(k: number): void {
    let j = k;
    for (;;) {
      const joiner = this.at(j);
      const isJoin = isWord(joiner, 'and') || (joiner?.kind === 'symbol' && joiner.text === ',');
      if (!isJoin) break;
      const m = this.word(j + 1);
      const month = m ? readMonth(m) : null;
      if (month === null) break;
      this.addMonths([month]);
      j += 2;
    }
    this.monthTailEnd = j;
  }

  private flagInvalidDay(n: number): void {
    this.flag(RANK.invalid, (rest) => buildInvalidDateTimeRefusal(`A ${renderOrdinal(n)} day of the month`, renderPhrase({ ...rest, days: [{ kind: 'lastDay' }] })));
    this.said = true;
  }

  /** Weekday names, lists and ranges, weekdays/weekends/business days, "every day". */
  private readDayWords(): boolean {
    const tok = this.at();
    if (tok?.kind !== 'word') return false;
    const w = tok.text;
    const day = readWeekday(w);
    if (day !== null) {
      const range = this.readDayRangeEnd(1);
      if (range) {
        this.addWeekdays(expandWrap(day, range.day, 7));
        this.repeating = true;
        this.i += 1 + range.length;
      } else {
        this.addWeekdays([day]);
        if (tok.plural) this.repeating = true;
        else this.weakDay = true;
        this.i += 1;
      }
      // "mondays and thursdays", "mon, wed and fri": two or more days read as a repeating list
      if (this.weekdays.size >= 2) this.repeating = true;
      return true;
    }
    if (w === 'weekday' || w === 'workday') {
      this.addWeekdays([2, 3, 4, 5, 6]);
      this.repeating = true;
      this.i++;
      return true;
    }
    if (w === 'weekend') {
      this.addWeekdays([1, 7]);
      this.repeating = true;
      this.i++;
      return true;
    }
    if ((w === 'business' || w === 'working' || w === 'work' || w === 'week') && isWord(this.at(1), 'day')) {
      this.addWeekdays([2, 3, 4, 5, 6]);
      this.repeating = true;
      this.i += 2;
      return true;
    }
    if (w === 'day' && (isWord(this.at(-1), 'every', 'each', 'a', 'per') || this.repeating)) {
      if (!this.frequency) this.frequency = 'daily';
      this.said = true;
      this.repeating = true;
      this.i++;
      return true;
    }
    if (w === 'day' && (this.at(1)?.kind === 'number' || this.at(1)?.kind === 'ordinal')) {
      // "day 15 of each month"
      const n = (this.at(1) as { value: number }).value;
      if (n >= 1 && n <= 31) this.selectors.push({ kind: 'monthDays', days: [n] });
      else this.flagInvalidDay(n);
      this.said = true;
      this.repeating = true;
      this.i += 2;
      return true;
    }
    if (w === 'week' && (isWord(this.at(-1), 'every', 'each', 'a', 'per') || this.repeating)) {
      if (!this.frequency) this.frequency = 'weekly';
      this.said = true;
      this.repeating = true;
      this.i++;
      return true;
    }
    return false;
  }

  private addWeekdays(days: number[]): void {
    for (const d of days) this.weekdays.add(d);
    this.said = true;
  }

  private addMonths(months: number[]): void {
    for (const m of months) this.months.add(m);
    this.said = true;
  }

  /** Month names, lists and ranges, with an optional day and year: "june", "jun-aug", "jan 27th", "june 3rd 2026". */
  private readMonths(): boolean {
    const tok = this.at();
    if (tok?.kind !== 'word') return false;
    const month = readMonth(tok.text);
    if (month === null) return false;
    // "may" is also a verb: only a month next to a number, "in", "of", another month or a list
    if (tok.text === 'may' && !(isWord(this.at(-1), 'in', 'of', 'every', 'each', 'and', 'to', 'from') || this.at(1)?.kind === 'number' || this.at(1)?.kind === 'ordinal')) return false;
    let k = 1;
    const sep = this.at(1);
    const endWord = this.word(2);
    const endMonth = endWord ? readMonth(endWord) : null;
    if (((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through', 'till', 'until')) && endMonth !== null) {
      this.addMonths(expandWrap(month, endMonth, 12));
      this.i += 3;
      return true;
    }
    this.addMonths([month]);
    const dayTok = this.at(1);
    if ((dayTok?.kind === 'number' && !dayTok.word && dayTok.value <= 31 && !(this.at(2)?.kind === 'symbol' && (this.at(2) as { text: string }).text === ':')) || dayTok?.kind === 'ordinal') {
      const d = dayTok.value;
      if (d < 1 || d > 31) this.flagInvalidDay(d);
      else this.selectors.push({ kind: 'monthDays', days: [d] });
      this.pinnedDate = true;
      k = 2;
      // "jan 27th and jul 27th"? rare; a year: "june 3rd, 2026"
      const comma = this.at(k);
      const yearTok = comma?.kind === 'symbol' && comma.text === ',' ? this.at(k + 1) : comma;
      if (yearTok?.kind === 'number' && yearTok.value >= 1970 && yearTok.value <= 2199 && yearTok.raw.length === 4) {
        this.years.add(yearTok.value);
        k += comma === yearTok ? 1 : 2;
      }
    } else {
      this.readMonthListTail(1);
      k = this.monthTailEnd;
    }
    this.said = true;
    this.i += k;
    return true;
  }

  /** "q1", "in q3", "h1" (a calendar quarter or half: months, not a fiscal calendar). */
  private readQuarterNames(): boolean {
    const w = this.word();
    const m = w ? /^([qh])([1-4])$/.exec(w) : null;
    if (!m) return false;
    const n = Number(m[2]);
    if (m[1] === 'q') this.addMonths([n * 3 - 2, n * 3 - 1, n * 3]);
    else if (n <= 2) this.addMonths(n === 1 ? [1, 2, 3, 4, 5, 6] : [7, 8, 9, 10, 11, 12]);
    else return false;
    this.i++;
    return true;
  }

  /** "of the month", "each month", "a month", "of every quarter": recurrence words around a day of the month. */
  private readMonthContext(): boolean {
    const w = this.word();
    if (w !== 'month' && w !== 'quarter' && w !== 'year') return false;
    if (w === 'quarter' && (isWord(this.at(1), 'past', 'to', 'after', 'before', 'hour') || isWord(this.at(-1), 'at'))) return false;
    const prev = this.word(-1);
    if (!(prev === 'the' || prev === 'every' || prev === 'each' || prev === 'a' || prev === 'per' || prev === 'this' || this.repeating)) return false;
    if (prev === 'this') return false;
    if (w === 'quarter') this.frequency = 'quarterly';
    else if (w === 'year') this.frequency = this.frequency ?? 'yearly';
    else if (!this.frequency) this.frequency = 'monthly';
    this.repeating = true;
    this.said = true;
    this.i++;
    return true;
  }

  /** A time at offset k: "9", "9am", "21:00", "noon", "half past 8", "quarter to 5", "12 noon", with its length. */
  private readTimeAt(k: number, loose = false): { time: RawTime; length: number } | null {
    const tok = this.at(k);
    if (!tok) return null;
    let time: RawTime | null = null;
    let length = 1;
    if (tok.kind === 'time') {
      time = { hour: tok.hour, minute: tok.minute, twentyFour: tok.twentyFour, text: this.typed(tok), ...(tok.meridiem ? { meridiem: tok.meridiem } : {}) };
    } else if (isWord(tok, 'noon')) {
      time = { hour: 12, minute: 0, twentyFour: true, text: 'noon' };
    } else if (isWord(tok, 'midnight')) {
      time = { hour: 0, minute: 0, twentyFour: true, text: 'midnight' };
    } else if (
      isWord(tok, 'half', 'quarter') ||
      (tok.kind === 'number' && tok.value > 0 && tok.value < 60 &&
        (isWord(this.at(k + 1), 'past', 'after') || (isWord(this.at(k + 1), 'to', 'before') && isWord(this.at(k - 1), 'at'))))
    ) {
      const minutes = tok.kind === 'number' ? tok.value : isWord(tok, 'half') ? 30 : 15;
      let j = k + 1;
      if (isWord(this.at(j), 'minute')) j++;
      const rel = this.word(j);
      const hourTok = this.at(j + 1);
      const hour = hourTok?.kind === 'number' && Number.isInteger(hourTok.value) && hourTok.value <= 24 ? hourTok.value : hourTok?.kind === 'time' && hourTok.minute === 0 ? hourTok.hour : isWord(hourTok, 'noon') ? 12 : isWord(hourTok, 'midnight') ? 0 : undefined;
      if (isWord(tok, 'half') && rel === undefined && this.at(j)?.kind === 'number') {
        // British "half 8" = 8:30
        const h = (this.at(j) as { value: number }).value;
        return { time: { hour: h, minute: 30, twentyFour: false, text: this.typed(tok, this.at(j)) }, length: j - k + 1 };
      }
      if (hour === undefined || !['past', 'after', 'to', 'before'].includes(rel ?? '')) return null;
      const before = rel === 'to' || rel === 'before';
      const base = hourTok?.kind === 'time' ? hourTok : undefined;
      const exact = isWord(hourTok, 'noon', 'midnight');
      time = {
        hour, minute: 0, twentyFour: exact || (base?.twentyFour ?? false), text: this.typed(tok, hourTok),
        delta: before ? -minutes : minutes, ...(base?.meridiem ? { meridiem: base.meridiem } : {}),
      };
      length = j + 2 - k;
    } else if (tok.kind === 'number' && Number.isInteger(tok.value)) {
      const raw = tok.raw;
      const next = this.at(k + 1);
      if (raw.length === 4 && !tok.word) {
        // "0900", "1730": a 24-hour time; 1970–2199 only after "at" (otherwise a year)
        const h = Math.floor(tok.value / 100);
        const m = tok.value % 100;
        const asYear = tok.value >= 1970 && tok.value <= 2199;
        if (asYear && !isWord(this.at(k - 1), 'at', 'by')) return null;
        time = { hour: h, minute: m, twentyFour: true, text: raw };
      } else if (raw.length <= 2 || tok.word) {
        const wordOk = !tok.word || isWord(this.at(k - 1), 'at', 'by') || isWord(next, 'oclock', 'noon', 'midnight') || (isWord(next, 'in') && isWord(this.at(k + 2), 'the'));
        if (!wordOk && !loose) return null;
        if (tok.value > 24 && !isWord(this.at(k - 1), 'at')) return null;
        if (isWord(next, 'noon')) {
          time = { hour: 12, minute: 0, twentyFour: true, text: this.typed(tok, next) };
          length = 2;
        } else if (isWord(next, 'midnight')) {
          time = { hour: 0, minute: 0, twentyFour: true, text: this.typed(tok, next) };
          length = 2;
        } else {
          // a lone number followed by a unit or a month is not a time ("3 days", "15 june")
          if (next?.kind === 'word' && (UNIT_WORDS.has(next.text) || readMonth(next.text) !== null || next.text === 'times' || next.text === 'x')) return null;
          time = { hour: tok.value, minute: 0, twentyFour: raw.length === 2 && raw.startsWith('0'), text: this.typed(tok) };
        }
      } else return null;
    } else return null;
    if (!time) return null;
    // trailing "o'clock", "sharp", and a period just for this time: "8 in the morning", "7 at night"
    let j = k + length;
    if (isWord(this.at(j), 'oclock')) j++;
    const periodAt = (p: number): { period: Period; len: number } | null => {
      if (isWord(this.at(p), 'in') && isWord(this.at(p + 1), 'the') && isWord(this.at(p + 2), 'morning', 'afternoon', 'evening')) {
        return { period: this.word(p + 2) as Period, len: 3 };
      }
      if (isWord(this.at(p), 'at') && isWord(this.at(p + 1), 'night')) return { period: 'night', len: 2 };
      if (isWord(this.at(p), 'tonight')) return null;
      return null;
    };
    const p = periodAt(j);
    if (p) {
      time.period = p.period;
      j += p.len;
    }
    return { time, length: j - k };
  }

  private readTime(): boolean {
    const found = this.readTimeAt(0);
    if (!found) return false;
    // "9-5", "9am to 5pm": a window
    const sep = this.at(found.length);
    if ((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'till', 'until', 'through')) {
      const end = this.readTimeAt(found.length + 1, true);
      if (end) {
        this.windowRaw = { from: found.time, to: end.time };
        this.said = true;
        this.i += found.length + 1 + end.length;
        return true;
      }
    }
    this.times.push(found.time);
    this.said = true;
    this.i += found.length;
    return true;
  }

  /** "between 9am and 5pm", "from 8 to 6", "until 5pm" (after a step). */
  private readWindow(): boolean {
    const w = this.word();
    if (w !== 'between' && w !== 'from') return false;
    const from = this.readTimeAt(1, true);
    if (!from) return false;
    const sepAt = 1 + from.length;
    const sep = this.at(sepAt);
    const joins = w === 'between' ? isWord(sep, 'and') || (sep?.kind === 'symbol' && sep.text === '-') : isWord(sep, 'to', 'till', 'until', 'through') || (sep?.kind === 'symbol' && sep.text === '-');
    if (joins) {
      const to = this.readTimeAt(sepAt + 1, true);
      if (to) {
        this.windowRaw = { from: from.time, to: to.time };
        this.said = true;
        this.i += sepAt + 1 + to.length;
        return true;
      }
    }
    if (w === 'from') {
      // "every 3 hours from 6am": where the step starts
      this.anchorRaw = from.time;
      this.said = true;
      this.i += 1 + from.length;
      return true;
    }
    return false;
  }

  /** "starting at 7pm", "beginning at 9". */
  private readStartAt(): boolean {
    if (!isWord(this.at(), 'starting', 'beginning', 'start', 'commencing')) return false;
    let k = 1;
    if (isWord(this.at(k), 'at', 'from')) k++;
    const t = this.readTimeAt(k, true);
    if (!t) return false;
    this.anchorRaw = t.time;
    this.said = true;
    this.i += k + t.length;
    return true;
  }

  /** "during business hours", "in working hours", "office hours": Mon–Fri, 09:00–17:00. */
  private readBusinessHours(): boolean {
    if (!isWord(this.at(), 'business', 'working', 'office', 'work') || !isWord(this.at(1), 'hour')) return false;
    this.businessHours = true;
    this.said = true;
    this.i += 2;
    return true;
  }

  /** ":30", "at 15 past", "at 15 minutes past the hour", "on the hour", "half past every hour". */
  private readMinutePast(): boolean {
    const tok = this.at();
    if (tok?.kind === 'minuteMark') {
      this.minuteMark = tok.minute;
      this.said = true;
      this.i++;
      return true;
    }
    if (isWord(tok, 'on') && isWord(this.at(1), 'the') && isWord(this.at(2), 'hour')) {
      this.minuteMark = 0;
      this.i += 3;
      return true;
    }
    if (isWord(tok, 'on') && isWord(this.at(1), 'the') && isWord(this.at(2), 'half') && isWord(this.at(3), 'hour')) {
      this.minuteMark = 30;
      this.said = true;
      this.i += 4;
      return true;
    }
    const minutes = tok?.kind === 'number' ? tok.value : isWord(tok, 'half') ? 30 : isWord(tok, 'quarter') ? 15 : undefined;
    if (minutes === undefined) return false;
    let k = 1;
    if (isWord(this.at(k), 'minute')) k++;
    if (!isWord(this.at(k), 'past', 'after')) return false;
    k++;
    if (isWord(this.at(k), 'the', 'every', 'each') && isWord(this.at(k + 1), 'hour')) {
      if (isWord(this.at(k), 'every', 'each') && !this.step) this.setStep({ unit: 'hour', every: 1 });
      k += 2;
    } else if (this.at(k) !== undefined && this.readTimeAt(k, true)) return false; // "15 past 9" is a time
    this.minuteMark = minutes;
    this.said = true;
    this.i += k;
    return true;
  }

  /** morning, afternoon, evening, night (and their plurals): a default time, and am/pm for bare hours. */
  private readPeriod(): boolean {
    const w = this.word();
    if (w !== 'morning' && w !== 'afternoon' && w !== 'evening' && w !== 'night') return false;
    this.periods.push(w);
    const tok = this.at() as { plural?: boolean; start: number; end: number };
    const typed = this.text.slice(tok.start, tok.end).toLowerCase();
    if (typed.endsWith('s') || isWord(this.at(-1), 'every', 'each')) this.repeating = true;
    this.said = true;
    this.i++;
    return true;
  }

  /** "2027", "in 2026 and 2027", "2026-2028". */
  private readYear(): boolean {
    const tok = this.at();
    if (tok?.kind !== 'number' || tok.raw.length !== 4 || tok.value < 1970 || tok.value > 2199) return false;
    const sep = this.at(1);
    const end = this.at(2);
    if (((sep?.kind === 'symbol' && sep.text === '-') || isWord(sep, 'to', 'through')) && end?.kind === 'number' && end.raw.length === 4 && end.value >= tok.value && end.value <= 2199) {
      for (let y = tok.value; y <= end.value; y++) this.years.add(y);
      this.i += 3;
    } else {
      this.years.add(tok.value);
      this.i++;
    }
    this.said = true;
    return true;
  }

  // ---------- the end: conventions, then the intermediate form or a refusal ----------
  private finish(): PhraseParse {
    const unknownCount = this.unknown.length;
    // What was said, with conventions applied (also used to phrase alternatives).
    const built = this.buildIr();
    const rest = built.ir;
    const restSaid = this.said && (rest.times.length > 0 || rest.days.length > 0 || !!rest.step || this.repeating);
    if (this.flags.length > 0) {
      const top = [...this.flags].sort((a, b) => a.rank - b.rank)[0] as Flag;
      return { ok: false, refusal: top.build(rest, restSaid), weak: top.weak ?? false, unknown: unknownCount };
    }
    if (unknownCount > 0 || !this.said) {
      const what = unknownCount > 0 ? this.text.slice((this.unknown[0] as Token).start, (this.unknown[unknownCount - 1] as Token).end) : null;
      return { ok: false, refusal: buildNotScheduleRefusal(this.said ? what : null, restSaid ? renderPhrase(rest) : FALLBACK_SUGGESTION), weak: false, unknown: unknownCount };
    }
    if (built.refusal) return { ok: false, refusal: built.refusal, weak: false, unknown: 0 };
    const pairing = this.findSeparateDayTimes(rest);
    if (pairing) return { ok: false, refusal: pairing, weak: false, unknown: 0 };
    // Does anything say "again and again"? A date ("june 3rd") or one weekday ("on friday") alone does not.
    const repeating =
      this.repeating || !!this.frequency || !!this.step || this.businessHours ||
      this.selectors.some((s) => !(s.kind === 'monthDays' && this.pinnedDate));
    if (!repeating || (this.oneOffHint && !this.repeating && !this.frequency)) {
      if (this.oneOffHint || this.pinnedDate || this.years.size > 0) {
        const suggestion = renderPhrase({ ...rest, years: [] });
        return { ok: false, refusal: buildOneOffRefusal(this.pinnedDate ? suggestion.replace(/^on /, 'every year on ') : suggestion), weak: false, unknown: 0 };
      }
      const question = this.weakDay ? 'Every week on that day, or just once?' : 'Every day at that time, or just once?';
      return { ok: false, refusal: buildAmbiguousRefusal(question, renderPhrase(rest)), weak: true, unknown: 0 };
    }
    return { ok: true, ir: rest };
  }

  /**
   * "every monday at 9am and every friday at 5pm": each day group has its own time, which one cron cannot say
   * (it would run at both times on both days). Seen as day, time, day, time in the order things were named.
   */
  private findSeparateDayTimes(rest: ScheduleIr): ScheduleRefusal | null {
    const runs: Array<{ mark: 'D' | 'T'; count: number }> = [];
    for (const mark of this.order) {
      const last = runs[runs.length - 1];
      if (last?.mark === mark) last.count++;
      else runs.push({ mark, count: 1 });
    }
    const split = runs.length >= 4 || (runs.length === 3 && runs[0]?.mark === 'D' && (runs[1]?.count ?? 0) >= 2);
    if (!split) return null;
    const group = this.firstDayGroup;
    const firstDays: DaySelector | undefined =
      group && group.weekdays.length > 0 ? { kind: 'weekdays', days: group.weekdays } : (group?.selectors[0] ?? rest.days[0]);
    const firstTime = rest.times[0];
    return buildMultipleSchedulesRefusal(
      'Different days have different times.',
      renderPhrase({ ...rest, days: firstDays ? [firstDays] : [], times: firstTime ? [firstTime] : [] }),
    );
  }

  private resolveTime(raw: RawTime, period?: Period): ClockTime | null {
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

  /** Applies the conventions of schedules.md §8.2 and returns the intermediate form. */
  private buildIr(): { ir: ScheduleIr; refusal?: ScheduleRefusal } {
    let refusal: ScheduleRefusal | undefined;
    const period = this.periods.length === 1 ? this.periods[0] : undefined;
    const resolve = (raw: RawTime): ClockTime => {
      const t = this.resolveTime(raw, period);
      if (t) return t;
      refusal ??= buildInvalidDateTimeRefusal(`The time "${raw.text}"`, 'every day at 9am');
      return { hour: 9, minute: 0 };
    };
    let times = this.times.map(resolve);
    if (times.length === 0 && this.periods.length > 0) times = this.periods.map((p) => ({ hour: PERIOD_DEFAULT[p], minute: 0 }));

    // days
    const selectors: DaySelector[] = [...this.selectors];
    let weekdays = [...this.weekdays];
    if (this.businessHours && weekdays.length === 0 && selectors.length === 0) weekdays = [2, 3, 4, 5, 6];
    if (this.exceptDays.size > 0) {
      if (weekdays.length === 0 && selectors.length === 0) weekdays = [1, 2, 3, 4, 5, 6, 7];
      weekdays = weekdays.filter((d) => !this.exceptDays.has(d));
      if (weekdays.length === 0 && this.weekdays.size > 0) refusal ??= buildNotScheduleRefusal(null, FALLBACK_SUGGESTION);
    }
    if (weekdays.length > 0 && weekdays.length < 7) selectors.push({ kind: 'weekdays', days: weekdays.sort((a, b) => a - b) });
    else if (weekdays.length === 7 && selectors.length > 0) selectors.push({ kind: 'weekdays', days: weekdays });

    // months
    let months = [...this.months];
    const freq = this.frequency;
    if (freq === 'quarterly') {
      const atEnd = this.quarterEnd || selectors.some((s) => s.kind === 'lastDay' || s.kind === 'lastBusinessDay' || s.kind === 'lastOfWeekday');
      const base = atEnd ? [3, 6, 9, 12] : [1, 4, 7, 10];
      months = months.length > 0 ? months : base;
    } else if (freq === 'halfYearly') {
      months = months.length > 0 ? months : [1, 7];
    } else if (freq === 'yearly' && months.length === 0) {
      months = [1];
    }
    let step = this.step;
    if (step?.unit === 'month' && this.startMonth !== undefined) step = { ...step, anchorMonth: this.startMonth };
    else if (this.startMonth !== undefined) {
      refusal ??= buildBoundsRefusal(renderPhrase({ times, days: selectors, months, years: [...this.years], ...(this.zone ? { zone: this.zone } : {}) }));
    }
    if (this.exceptMonths.size > 0) {
      if (months.length === 0) months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
      months = months.filter((m) => !this.exceptMonths.has(m));
    }
    months.sort((a, b) => a - b);
    if (months.length === 12) months = [];

    // default days for month-level frequencies: the 1st
    const monthLevel = freq === 'monthly' || freq === 'quarterly' || freq === 'halfYearly' || freq === 'yearly' || step?.unit === 'month' || step?.unit === 'year' ||
      (this.months.size > 0 && !this.frequency && !step && selectors.length === 0 && this.exceptDays.size === 0 && !this.repeatingDaily());
    if (selectors.length === 0 && monthLevel) selectors.push({ kind: 'monthDays', days: [1] });
    if (freq === 'weekly' && selectors.length === 0) selectors.push({ kind: 'weekdays', days: [2] });
    // "monthly on mondays": which monday?
    if (freq === 'monthly' && selectors.length === 1 && selectors[0]?.kind === 'weekdays' && !this.pinnedDate) {
      const sel = selectors[0];
      refusal ??= buildAmbiguousRefusal(
        'Every week on that day, or once a month? For once a month, say which one (first, second… last).',
        renderPhrase({ times, days: [{ kind: 'nthWeekday', weekday: sel.days[0] as number, nth: 1 }], months, years: [] }),
      );
    }

    // steps: windows and anchors
    if (step && (step.unit === 'minute' || step.unit === 'hour')) {
      const windowRaw = this.windowRaw ?? (this.businessHours ? { from: { hour: 9, minute: 0, twentyFour: true, text: '9' }, to: { hour: 17, minute: 0, twentyFour: true, text: '17' } } : undefined);
      if (windowRaw) {
        const from = resolve(windowRaw.from);
        let to = windowRaw.to ? resolve(windowRaw.to) : { hour: 23, minute: 59 };
        // "from 6 to 10": bare end hour read as the same half of the day as the start when that keeps it after the start
        if (windowRaw.to && to.hour < from.hour && !windowRaw.to.meridiem && !windowRaw.to.twentyFour && to.hour + 12 <= 23 && to.hour + 12 > from.hour) {
          to = { ...to, hour: to.hour + 12 };
        }
        step = { ...step, window: { from, to } };
      }
      const anchorRaw = this.anchorRaw ?? (times.length === 1 && !windowRaw ? this.times[0] : undefined);
      if (anchorRaw) step = { ...step, anchor: resolve(anchorRaw) };
      else if (this.times.length === 1 && !step.window) step = { ...step, anchor: times[0] as ClockTime };
      if (this.minuteMark !== undefined) step = { ...step, minute: this.minuteMark };
      if (this.times.length <= 1) times = [];
      else refusal ??= buildAmbiguousRefusal('A repeat every few minutes or hours, and fixed times too: which one?', renderPhrase({ times, days: selectors, months, years: [...this.years] }));
    } else {
      if (this.windowRaw) {
        refusal ??= buildAmbiguousRefusal(
          'How often between those times?',
          renderPhrase({ times: [], step: { unit: 'hour', every: 1, window: { from: resolve(this.windowRaw.from), to: this.windowRaw.to ? resolve(this.windowRaw.to) : { hour: 17, minute: 0 } } }, days: selectors, months, years: [] }),
        );
      }
      if (this.businessHours && !this.windowRaw && times.length === 0) {
        refusal ??= buildAmbiguousRefusal('How often during business hours?', 'every hour during business hours');
      }
      if (this.minuteMark !== undefined && times.length === 0) times = [{ hour: 9, minute: this.minuteMark }];
      if (this.anchorRaw && times.length === 0) times = [resolve(this.anchorRaw)];
    }
    if (times.length === 0 && (!step || (step.unit !== 'minute' && step.unit !== 'hour'))) times = [{ hour: 9, minute: 0 }];
    if (this.times.length > 1 && new Set(times.map((t) => t.hour * 60 + t.minute)).size < times.length) {
      times = [...new Map(times.map((t) => [t.hour * 60 + t.minute, t])).values()];
    }
    const ir: ScheduleIr = {
      times,
      ...(step ? { step } : {}),
      days: selectors,
      months,
      years: [...this.years].sort((a, b) => a - b),
      ...(this.zone ? { zone: this.zone } : {}),
    };
    return refusal ? { ir, refusal } : { ir };
  }

  private repeatingDaily(): boolean {
    return this.frequency === 'daily' || this.weekdays.size > 0;
  }
}

/** a..b inclusive on a cycle of `size` values starting at 1 ("fri-mon" → fri, sat, sun, mon). */
function expandWrap(a: number, b: number, size: number): number[] {
  const out: number[] = [];
  let v = a;
  for (let guard = 0; guard < size; guard++) {
    out.push(v);
    if (v === b) break;
    v = (v % size) + 1;
  }
  return out;
}

/** Reads tokens (a whole phrase or a span of one) into the intermediate form, or a refusal. */
export function parseScheduleTokens(tokens: readonly Token[], text: string): PhraseParse {
  return new PhraseReader(tokens, text).read();
}

/** Reads a phrase into the intermediate form, or a refusal. */
export function parseSchedulePhrase(phrase: string): PhraseParse {
  return parseScheduleTokens(tokenisePhrase(phrase), phrase);
}
