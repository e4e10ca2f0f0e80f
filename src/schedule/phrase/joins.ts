/**
 * Joined schedules: "every tuesday at 10am and thursday at 10am", "every day at 8am and every hour on mondays".
 *
 * A list names one kind of thing several times in a row ("mon, wed and fri at 9": days, days, days, time). A join
 * names a kind again after something else came between ("mondays at 9 and fridays at 5": days, time, days, time).
 * Each part is then read on its own; a part that names no time takes its neighbour's time, a part that names no days
 * takes its neighbour's days ("every tuesday at 10am and thursday"). The parts become one cron only when one cron
 * holds exactly the union of their runs: the same times on more days, more times on the same days (their hours and
 * minutes forming a grid), or the same day in more months. Otherwise the answer is `needs_multiple_schedules`.
 */
import type { CronField, OmniCron } from '../types.js';
import { JOIN_SYMBOLS, JOIN_WORDS } from './filler.js';
import { isSymbol } from './state.js';
import type { Mark, PhraseState } from './state.js';

/** Words that start a new part when no joining word separates two parts ("every monday at 9 every friday at 5"). */
const PART_STARTERS = new Set(['every', 'each', 'on', 'at']);

function isJoiner(s: PhraseState, k: number): boolean {
  const tok = s.t[k];
  if (s.roles[k] !== 'filler' || !tok) return false;
  return (tok.kind === 'word' && (JOIN_WORDS.has(tok.text) || tok.text === 'as')) || (tok.kind === 'symbol' && JOIN_SYMBOLS.has(tok.text));
}

/**
 * Kinds of the same family: a part names days once, whether as "every day" or as "mondays", and its times once,
 * whether as "9am", "morning" or ":30".
 */
const family = (k: string) => (k === 'E' ? 'D' : k === 'P' || k === 'N' ? 'T' : k);

/**
 * A list continues when a mark of only days follows a mark of only days ("mon, wed and fri"), times follow times
 * ("at 9, 12 and 5"), months follow months or parts of the day follow parts of the day. Without a comma between them
 * "weekly on friday" refines its "weekly", and a part of the day goes with a time ("every night at 10"). "Every day"
 * after days, a second window or a second step never continue anything.
 */
function continuesList(m: Mark, last: Mark | undefined, overComma = false): boolean {
  if (!last || last.kinds.length !== 1 || m.kinds.length !== 1) return false;
  const [a, b] = [last.kinds[0], m.kinds[0]];
  if (a === b && (a === 'D' || a === 'T' || a === 'M' || a === 'P')) return true;
  return !overComma && ((a === 'E' && b === 'D') || (a === 'P' && b === 'T') || (a === 'T' && b === 'P'));
}

/** True when mark `m` names a kind the current part already has, other than by continuing a list. */
function namesAgain(m: Mark, last: Mark | undefined, seen: ReadonlySet<string>): boolean {
  if (continuesList(m, last)) return false;
  return m.kinds.some((k) => k !== 'X' && seen.has(family(k)));
}

/**
 * The token ranges of the joined parts of a phrase, or null when it is one part. Every joining word ("and", ",",
 * "also", "plus", "then", ";") between two things the rules read starts a new part: a list ("mon, wed and fri at
 * 9", "at 9 and 5 on weekdays") comes out the same after sharing and merging, and a join ("mondays at 9 and fridays
 * at 5") is seen for what it is. Without a joining word, naming a kind again ("every monday at 9 every friday at
 * 5") starts a new part at "every", "each", "on" or "at".
 */
export function findParts(s: PhraseState): Array<[number, number]> | null {
  const marks = s.marks.filter((m) => !(m.kinds.length === 1 && m.kinds[0] === 'X'));
  const parts: Array<[number, number]> = [];
  let partStart = 0;
  let seen = new Set<string>();
  // the latest bare comma inside the current part, and the marks after it
  let lastComma: { at: number; mark: number } | undefined;
  for (let mi = 0; mi < marks.length; mi++) {
    const m = marks[mi] as Mark;
    const prev = marks[mi - 1];
    if (prev) {
      let cut: number | undefined;
      let cutMark = mi;
      // a joining word ("and", "plus", "also", ";") always starts a part; a bare comma only where a kind is named
      // again ("every weekday, except friday, at 3pm" is one part; "mondays at 9, fridays at 5" is two)
      let comma: number | undefined;
      for (let k = prev.end; k < m.start && cut === undefined; k++) {
        if (!isJoiner(s, k)) continue;
        if (isSymbol(s.t[k], ',')) comma ??= k;
        else cut = k;
      }
      // ", every tuesday at 10am": "every" after a comma starts a schedule of its own
      if (cut === undefined && comma !== undefined && s.t.slice(comma, m.start + 1).some((t) => t.kind === 'word' && (t.text === 'every' || t.text === 'each'))) cut = comma;
      // over a comma only true lists go on ("mon, wed", "9, 12"): "at 9am, every evening" names a time again
      const again = comma !== undefined ? m.kinds.some((k) => k !== 'X' && seen.has(family(k))) && !continuesList(m, prev, true) : namesAgain(m, prev, seen);
      if (cut === undefined && again) {
        if (comma !== undefined) cut = comma;
        else if (lastComma) {
          cut = lastComma.at;
          cutMark = lastComma.mark;
        } else {
          cut = m.start;
          for (let k = prev.end; k < m.start; k++) {
            const tok = s.t[k];
            if (tok?.kind === 'word' && PART_STARTERS.has(tok.text)) {
              cut = k;
              break;
            }
          }
        }
      }
      if (cut !== undefined) {
        parts.push([partStart, cut]);
        partStart = cut;
        seen = new Set(marks.slice(cutMark, mi).flatMap((x) => x.kinds.map(family)));
        lastComma = undefined;
      } else if (comma !== undefined) lastComma = { at: comma, mark: mi };
    }
    for (const k of m.kinds) seen.add(family(k));
  }
  if (parts.length === 0) return null;
  parts.push([partStart, s.t.length]);
  const grouped = groupLists(parts, marks, s);
  return grouped.length > 1 ? grouped : null;
}


/** Kinds that people list across "and": days, times, parts of the day, months (never windows, steps, zones or "every day"). */
const LISTABLE = new Set(['D', 'T', 'M', 'P']);

/**
 * Puts back together the parts of one list: "every wednesday | and every saturday at 9:30am | and 9am" is
 * Wednesday and Saturday at 9:30 and 9:00. Two neighbouring parts belong together when the first ends and the
 * second starts with the same listable kind, and one of them names nothing else.
 */
function groupLists(parts: Array<[number, number]>, marks: readonly Mark[], s: PhraseState): Array<[number, number]> {
  const kindsIn = ([a, b]: [number, number]) => marks.filter((m) => m.start >= a && m.start < b);
  const out: Array<[number, number]> = [];
  // A part that only qualifies is no schedule of its own: months or a zone go with the part before them ("every day
  // at 9, jan through mar"); a frequency followed by a comma goes with the dates after it ("each year, 1 jul").
  // Otherwise a frequency is a schedule ("quarterly and every day at 8am").
  const only = (ms: Mark[], kinds: string[]) => ms.length > 0 && ms.every((m) => m.kinds.every((k) => kinds.includes(k)));
  for (const part of parts) {
    const last = out[out.length - 1];
    const comma = isSymbol(s.t[part[0]], ',', ':');
    // a date names its month ("1 jul"); weekdays after a comma are a schedule of their own
    const datesOnly = only(kindsIn(part), ['D', 'M', 'T', 'P', 'N', 'Z']) && kindsIn(part).some((m) => m.kinds.includes('M'));
    if (last && (only(kindsIn(part), ['M', 'Z']) || only(kindsIn(last), ['M', 'Z']) || (only(kindsIn(last), ['F']) && comma && datesOnly))) {
      last[1] = part[1];
      continue;
    }
    if (last) {
      const before = kindsIn(last);
      const after = kindsIn(part);
      const end = before[before.length - 1];
      const start = after[0];
      const kind = end?.kinds.length === 1 && start?.kinds.length === 1 && end.kinds[0] === start.kinds[0] ? (end.kinds[0] as string) : undefined;
      // a zone goes with every part anyway ("at 9am and 5pm eastern")
      const only = (ms: Mark[]) => ms.every((m) => m.kinds.every((k) => k === kind || k === 'Z'));
      if (kind && LISTABLE.has(kind) && (only(before) || only(after))) {
        last[1] = part[1];
        continue;
      }
    }
    out.push([part[0], part[1]]);
  }
  return out;
}

function hasTime(p: PhraseState): boolean {
  return p.times.length > 0 || p.periods.length > 0 || !!p.windowRaw || !!p.anchorRaw || p.minuteMark !== undefined || (!!p.step && (p.step.unit === 'minute' || p.step.unit === 'hour'));
}

function hasDays(p: PhraseState): boolean {
  // "every evening" is every day
  return p.everyPeriod || p.weekdays.size > 0 || p.selectors.length > 0 || !!p.frequency || p.businessHours || p.exceptDays.size > 0 || (!!p.step && p.step.unit !== 'minute' && p.step.unit !== 'hour');
}

/** The nearest part before `k` that `has` something, else the nearest after. */
function nearest(parts: PhraseState[], k: number, has: (p: PhraseState) => boolean): PhraseState | undefined {
  for (let j = k - 1; j >= 0; j--) if (has(parts[j] as PhraseState)) return parts[j];
  for (let j = k + 1; j < parts.length; j++) if (has(parts[j] as PhraseState)) return parts[j];
  return undefined;
}

/**
 * Fills in what a part left unsaid from its neighbours: times, days, the zone, "every". Months and years are not
 * shared: "every monday at 9 and every day in july" is Mondays all year and every day in July.
 */
export function shareBetweenParts(parts: PhraseState[], wholeRepeats: boolean): void {
  const timeDonors = parts.map((p, k) => (hasTime(p) ? undefined : nearest(parts, k, hasTime)));
  const dayDonors = parts.map((p, k) => (hasDays(p) ? undefined : nearest(parts, k, hasDays)));
  const repeating = wholeRepeats || parts.some((p) => p.repeating || !!p.frequency || !!p.step);
  const zones = [...new Set(parts.flatMap((p) => (p.zone ? [p.zone] : [])))];
  for (const [k, p] of parts.entries()) {
    if (!p.step && (p.windowRaw || (p.minuteMark !== undefined && p.times.length === 0))) {
      const stepDonor = nearest(parts, k, (q) => !!q.step && (q.step.unit === 'minute' || q.step.unit === 'hour'));
      if (stepDonor?.step) p.step = stepDonor.step;
    }
    const t = timeDonors[k];
    if (t) {
      p.times.push(...t.times);
      p.periods.push(...t.periods);
      if (t.windowRaw) p.windowRaw = t.windowRaw;
      if (t.anchorRaw) p.anchorRaw = t.anchorRaw;
      if (t.minuteMark !== undefined) p.minuteMark = t.minuteMark;
      if (t.step && (t.step.unit === 'minute' || t.step.unit === 'hour') && !p.step) p.step = t.step;
    }
    const d = dayDonors[k];
    if (d) {
      for (const day of d.weekdays) p.weekdays.add(day);
      p.selectors.push(...d.selectors);
      if (d.frequency && !p.frequency) p.frequency = d.frequency;
      if (d.step && d.step.unit !== 'minute' && d.step.unit !== 'hour' && !p.step) p.step = d.step;
      p.businessHours ||= d.businessHours;
      p.pinnedDate ||= d.pinnedDate;
    }
    if (repeating) p.repeating = true;
    if (zones.length === 1 && !p.zone) p.zone = zones[0];
  }
}

/** The distinct zones the parts name. */
export function partZones(parts: PhraseState[]): string[] {
  return [...new Set(parts.flatMap((p) => [p.zone, p.otherZone].filter((z): z is string => z !== undefined)))];
}

// ---------- merging crons ----------
const BOUNDS = { minute: [0, 59], hour: [0, 23], dayOfMonth: [1, 31], month: [1, 12], dayOfWeek: [1, 7] } as const;

function valuesOf(field: CronField, name: keyof typeof BOUNDS): number[] | null {
  const [min, max] = BOUNDS[name];
  if (field.kind === 'any' || field.kind === 'none') return Array.from({ length: max - min + 1 }, (_, k) => min + k);
  if (field.kind === 'list') return field.values;
  return null;
}

function listOf(values: Iterable<number>, name: keyof typeof BOUNDS): CronField {
  const [min, max] = BOUNDS[name];
  const unique = [...new Set(values)].sort((a, b) => a - b);
  return unique.length === max - min + 1 ? { kind: 'any' } : { kind: 'list', values: unique };
}

const same = (a: CronField, b: CronField) => JSON.stringify(a) === JSON.stringify(b);
const allSame = (crons: OmniCron[], key: keyof Omit<OmniCron, 'source'>) => crons.every((c) => same(c[key], (crons[0] as OmniCron)[key]));

/** Every day, written the canonical way (`? * *` in the day and month fields). */
const everyDay = (c: OmniCron) => c.dayOfMonth.kind === 'none' && c.dayOfWeek.kind === 'any';

/**
 * One cron whose runs are exactly the union of the parts' runs, or null when no cron is found. Pairs that differ
 * in one respect merge first, until one cron is left ("mondays at 9am and 5pm and fridays at 9am and 5pm": Monday's
 * two times, Friday's two times, then both days).
 */
export function mergeCrons(crons: OmniCron[]): OmniCron | null {
  const left = [...crons];
  let merged = true;
  while (merged && left.length > 1) {
    merged = false;
    for (let a = 0; a < left.length && !merged; a++) {
      for (let b = a + 1; b < left.length && !merged; b++) {
        const both = mergeExactly([left[a] as OmniCron, left[b] as OmniCron]);
        if (both) {
          left.splice(b, 1);
          left[a] = both;
          merged = true;
        }
      }
    }
  }
  return left.length === 1 ? (left[0] as OmniCron) : null;
}

/** Crons that differ in one respect only (times, days, months or years) as one cron, or null. */
function mergeExactly(crons: OmniCron[]): OmniCron | null {
  const first = crons[0] as OmniCron;
  const timeSame = allSame(crons, 'minute') && allSame(crons, 'hour');
  const daysSame = allSame(crons, 'dayOfMonth') && allSame(crons, 'dayOfWeek');
  const monthSame = allSame(crons, 'month');
  if (!allSame(crons, 'year')) {
    // "every weekday in 2026 and 2027": the same runs in more years (a part without a year runs in every year)
    if (!(timeSame && daysSame && monthSame)) return null;
    if (crons.some((c) => c.year.kind === 'any')) return crons.find((c) => c.year.kind === 'any') as OmniCron;
    const years = [...new Set(crons.flatMap((c) => (c.year.kind === 'list' ? c.year.values : [])))].sort((a, b) => a - b);
    return { ...first, year: { kind: 'list', values: years } };
  }
  if (timeSame && daysSame && monthSame) return first;
  if (daysSame && monthSame) {
    const pairs = new Set<number>();
    for (const c of crons) {
      const minutes = valuesOf(c.minute, 'minute') as number[];
      const hours = valuesOf(c.hour, 'hour') as number[];
      for (const h of hours) for (const m of minutes) pairs.add(h * 60 + m);
    }
    const hours = new Set([...pairs].map((p) => Math.floor(p / 60)));
    const minutes = new Set([...pairs].map((p) => p % 60));
    if (hours.size * minutes.size !== pairs.size) return null;
    return { ...first, minute: listOf(minutes, 'minute'), hour: listOf(hours, 'hour') };
  }
  if (timeSame && monthSame) {
    if (crons.some(everyDay)) return crons.find(everyDay) as OmniCron;
    if (crons.every((c) => c.dayOfMonth.kind === 'none' && c.dayOfWeek.kind === 'list')) {
      const days = listOf(crons.flatMap((c) => valuesOf(c.dayOfWeek, 'dayOfWeek') as number[]), 'dayOfWeek');
      return { ...first, dayOfWeek: days };
    }
    if (crons.every((c) => c.dayOfWeek.kind === 'none' && c.dayOfMonth.kind === 'list')) {
      const dates = listOf(crons.flatMap((c) => valuesOf(c.dayOfMonth, 'dayOfMonth') as number[]), 'dayOfMonth');
      return dates.kind === 'any' ? { ...first, dayOfMonth: { kind: 'none' }, dayOfWeek: { kind: 'any' } } : { ...first, dayOfMonth: dates };
    }
    return null;
  }
  if (timeSame && daysSame) {
    return { ...first, month: listOf(crons.flatMap((c) => valuesOf(c.month, 'month') as number[]), 'month') };
  }
  return null;
}
