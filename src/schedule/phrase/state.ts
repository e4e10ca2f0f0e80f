/**
 * The reader's state: the tokens, a cursor, and everything the rules have recorded so far. Rules (one module per
 * family: times.ts, days.ts, months.ts, frequency.ts, refusal-words.ts, filler.ts) read at the cursor and record
 * here; build-ir.ts turns what was recorded into the intermediate form; joins.ts splits and merges joined parts.
 *
 * Every token ends with a role (`roles`): read by a rule as part of the schedule, known filler, or unknown. A
 * phrase with an unknown token is refused, never read in part (see reader.ts).
 */
import type { DaySelector, ScheduleIr, ScheduleStep } from '../ir.js';
import type { Token } from '../normalise.js';
import type { ScheduleRefusal } from '../types.js';

export type Period = 'morning' | 'afternoon' | 'evening' | 'night';
export const PERIOD_DEFAULT: Record<Period, number> = { morning: 9, afternoon: 12, evening: 19, night: 22 };

/** A time as typed, before am/pm is settled. */
export interface RawTime {
  hour: number;
  minute: number;
  meridiem?: 'am' | 'pm';
  twentyFour: boolean;
  period?: Period;
  /** "quarter to 5": minutes added after the hour is settled (so 5 decides am/pm, not 4). */
  delta?: number;
  text: string;
  /** A named time with a conventional value ("lunchtime", "end of day"): shown as assumed. */
  assumed?: string;
}

/** A refusal found while reading; its alternative is rendered at the end, from everything else that was read. */
export interface Flag {
  rank: number;
  build: (rest: ScheduleIr, restSaid: boolean) => ScheduleRefusal;
  weak?: boolean;
}

// Lower rank wins when a phrase has several problems.
export const RANK = {
  event: 0,
  calendar: 1,
  bounds: 2,
  oneOff: 3,
  interval: 4,
  frequent: 5,
  ambiguous: 6,
  invalid: 7,
} as const;

export const UNIT_WORDS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year', 'seconds', 'fortnight', 'quarter']);

/** What a token was used for. Every token gets one; `unknown` refuses the phrase. */
export type TokenRole = 'schedule' | 'filler' | 'unknown';

/**
 * The kinds of thing a rule can add, used to tell a list ("mon, wed and fri at 9") from joined schedules
 * ("mondays at 9 and fridays at 5"): D days, E "every day"/"weekly" (days too, refined by the days right after it:
 * "weekly on friday"), T times, P a part of the day ("morning": it sets am/pm for the times beside it), N a minute
 * mark (":30"), W a window ("between 9 and 5"), S a repeat step, M months, Z a zone, X an exception,
 * F a month-level frequency ("monthly", "every year"), which goes with the dates that follow it.
 */
export type MarkKind = 'D' | 'E' | 'T' | 'P' | 'N' | 'W' | 'S' | 'M' | 'Z' | 'X' | 'F';

/** One rule application that added something: its kinds and the tokens it read. */
export interface Mark {
  kinds: MarkKind[];
  start: number;
  end: number;
}

export type Frequency = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'halfYearly' | 'yearly';

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t?.kind === 'word' && words.includes(t.text);
}

export function isSymbol(t: Token | undefined, ...symbols: string[]): boolean {
  return t?.kind === 'symbol' && symbols.includes(t.text);
}

export class PhraseState {
  i = 0;
  readonly flags: Flag[] = [];
  readonly roles: Array<TokenRole | undefined>;
  readonly marks: Mark[] = [];
  /** Anything schedule-like was read (so "banana" is told apart from "every banana"). */
  said = false;
  repeating = false;
  weakDay = false;
  pinnedDate = false;
  oneOffHint = false;
  /** "every evening", "mornings": a part of every day (so a joined part with it has days of its own). */
  everyPeriod = false;
  /** "next month", "this week": one period, not every one. */
  nextPeriod = false;
  /** "every" or "each" was said somewhere in the phrase. */
  everySaid = false;

  readonly times: RawTime[] = [];
  readonly periods: Period[] = [];
  minuteMark?: number;
  step?: ScheduleStep;
  windowRaw?: { from: RawTime; to?: RawTime };
  anchorRaw?: RawTime;
  businessHours = false;
  readonly weekdays = new Set<number>();
  readonly exceptDays = new Set<number>();
  readonly exceptMonths = new Set<number>();
  readonly exceptMonthDays = new Set<number>();
  readonly exceptTimes: RawTime[] = [];
  /** "except between 12 and 2": hour windows left out, both ends included. */
  readonly exceptWindows: Array<{ from: RawTime; to: RawTime }> = [];
  readonly selectors: DaySelector[] = [];
  readonly months = new Set<number>();
  readonly years = new Set<number>();
  frequency?: Frequency;
  /** "twice a day", "3 times a week": checked against what else was said at the end. */
  timesPer?: { count: number; unit: string } | undefined;
  quarterEnd = false;
  startMonth?: number;
  zone?: string;
  /** A second, different zone: the phrase names two. */
  otherZone?: string;
  /** The year of a date typed with one ("2026-07-01"): "every year" with it is a question. */
  dateYear?: number;
  /** End of the last month list read (months.ts). */
  monthTailEnd = 0;

  constructor(
    readonly t: readonly Token[],
    readonly text: string,
  ) {
    this.roles = new Array<TokenRole | undefined>(t.length).fill(undefined);
  }

  // ---------- cursor ----------
  at(k = 0): Token | undefined {
    return this.t[this.i + k];
  }

  word(k = 0): string | undefined {
    const tok = this.at(k);
    return tok?.kind === 'word' ? tok.text : undefined;
  }

  typed(from: Token | undefined, to?: Token): string {
    if (!from) return '';
    return this.text.slice(from.start, (to ?? from).end);
  }

  // ---------- recording ----------
  flag(rank: number, build: Flag['build'], weak = false): void {
    this.flags.push({ rank, build, weak });
  }

  setStep(step: ScheduleStep): void {
    this.stepSets++;
    this.step = { ...step, ...(this.step?.minute !== undefined ? { minute: this.step.minute } : {}) };
    this.said = true;
    this.repeating = true;
  }

  addWeekdays(days: number[]): void {
    for (const d of days) this.weekdays.add(d);
    this.dayMentions++;
    this.said = true;
  }

  addMonths(months: number[]): void {
    for (const m of months) this.months.add(m);
    this.monthMentions++;
    this.said = true;
  }

  setFrequency(frequency: Frequency): void {
    this.frequency = frequency;
    if (frequency === 'daily' || frequency === 'weekly') this.frequencySets++;
    else this.calendarSets++;
    this.said = true;
    this.repeating = true;
  }

  setZone(zone: string): void {
    if (this.zone !== undefined && this.zone !== zone) this.otherZone = zone;
    else this.zone = zone;
    this.said = true;
  }

  /** How many times a daily or weekly frequency was set: a day-level mark even when the value does not change. */
  frequencySets = 0;
  /** How many times a monthly, quarterly or yearly frequency was set: it goes with dates ("every year on march 3rd"). */
  calendarSets = 0;

  /** Counters whose growth tells which kinds a rule added (see reader.ts). */
  snapshot(): Record<MarkKind, number> {
    return {
      D: this.dayMentions + this.selectors.length + (this.businessHours ? 1 : 0),
      E: this.frequencySets,
      T: this.times.length + (this.anchorRaw ? 1 : 0),
      P: this.periods.length,
      N: this.minuteMarkSets,
      W: this.windowSets,
      S: this.stepSets,
      M: this.monthMentions,
      Z: this.zone ? (this.otherZone ? 2 : 1) : 0,
      F: this.calendarSets,
      X: this.exceptDays.size + this.exceptMonthDays.size + this.exceptMonths.size + this.exceptTimes.length + this.exceptWindows.length,
    };
  }

  /** How many times days or months were named (a day named twice is still named twice). */
  dayMentions = 0;
  monthMentions = 0;
  /** How many minute marks (":30", "quarter past") were read: one part holds one. */
  minuteMarkSets = 0;
  /** How many windows ("between 9 and 5") were read: one part holds one. */
  windowSets = 0;
  /** How many times a step was set. */
  stepSets = 0;
}

/** a..b inclusive on a cycle of `size` values starting at 1 ("fri-mon" → fri, sat, sun, mon). */
export function expandWrap(a: number, b: number, size: number): number[] {
  const out: number[] = [];
  let v = a;
  for (let guard = 0; guard < size; guard++) {
    out.push(v);
    if (v === b) break;
    v = (v % size) + 1;
  }
  return out;
}
