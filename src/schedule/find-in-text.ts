/**
 * Quick create: find the schedule inside free text ("every weekday at 9am summarise yesterday's pipeline") and
 * keep the rest as the prompt. Every span of tokens that starts like a schedule is read with the same grammar as
 * the schedule field; the longest span that is a valid schedule wins. Spans must be read completely (no unknown
 * words) and never end on a filler word, so prompt words never leak into the schedule.
 *
 * A schedule that names no time may take one from the very start or end of the line, across the prompt ("every
 * thursday post the numbers at 2pm", "at 7am post overdue invoices every weekday"). Times elsewhere in the line
 * ("about the 3pm standup") belong to the prompt.
 */
import { completeParsed } from './interpret.js';
import { buildMultipleSchedulesRefusal } from './refusals.js';
import type { ScheduleFailure, ScheduleSuccess } from './interpret.js';
import { readMonth, readWeekday, tokenisePhrase } from './normalise.js';
import type { Token } from './normalise.js';
import { FILLERS, SCHEDULE_CHATTER_STARTS } from './phrase/filler.js';
import { matchZoneWords } from './zones.js';
import { parseScheduleTokens } from './phrase/index.js';
import type { PhraseParse } from './phrase/index.js';
import type { InterpretOptions } from './types.js';

export interface ScheduleInText {
  schedule: ScheduleSuccess;
  /** The part of the text read as the schedule, as typed. */
  scheduleText: string;
  /** The text without the schedule and the joining words around it. */
  prompt: string;
}

export interface RefusalInText {
  /** Why the schedule-like part cannot be a schedule, with an alternative to offer. */
  refusal: ScheduleFailure;
  scheduleText: string;
  prompt: string;
}

export type ScheduleTextScan =
  | ({ found: 'schedule' } & ScheduleInText)
  | ({ found: 'refusal' } & RefusalInText)
  | { found: 'none'; prompt: string };

/** Words a schedule can start with (a span never starts on a number: "top 5 every monday" keeps "top 5"). */
const STARTERS = new Set([
  'every', 'each', 'on', 'at', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'hourly', 'nightly', 'halfyearly',
  'halfhourly', 'weekday', 'weekend', 'workday', 'business', 'working', 'last', 'twice', 'once', 'tomorrow', 'today',
  'tonight', 'next', 'this', 'in', 'from', 'between', 'when', 'whenever', 'if', 'fortnightly', 'biweekly', 'bimonthly',
  'morning', 'afternoon', 'evening', 'night', 'noon', 'midnight', 'end', 'start', 'mid', 'half', 'quarter', 'the',
  'constantly', 'continuously', 'realtime',
]);
/** Words that join a schedule to the prompt; a span never ends on one. */
const JOINERS = new Set(['and', 'the', 'a', 'an', 'of', 'to', 'from', 'in', 'on', 'at', 'by', 'then', 'please', 'every', 'each', 'for']);
/** A frequency word after these is an adjective ("the weekly pipeline"), not a schedule. */
const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'our', 'my', 'your', 'their', 'its', 'his', 'her', 'last', 'next']);
/** Pointing words that end chatter ("send this") only when no word follows them ("send this week's deals"). */
const POINTING = new Set(['this', 'that', 'these', 'those']);
const ADJECTIVES = new Set(['daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'hourly', 'nightly', 'halfyearly']);

const MAX_SPAN = 24;

/** Day shorthand that can start a schedule: "MWF", "TTh", "M-F", "Tu/Th". */
const SHORTHAND = /^(?:th|tu|sa|su|m|t|w|r|f){2,}$/;
const DAY_CODE = /^(?:th|tu|sa|su|m|t|w|r|f)$/;

/** Filler words a span may end on (everything else in FILLERS joins a schedule to the words after it). */
const TERMINAL_FILLERS = new Set(['sharp', 'oclock', 'clock', 'only', 'forever', 'indefinitely', 'ongoing', 'time']);

function isStarter(t: Token, next: Token | undefined): boolean {
  if (t.kind === 'ordinal' || t.kind === 'time' || t.kind === 'zone') return true;
  if (t.kind !== 'word') return false;
  if (SHORTHAND.test(t.text)) return true;
  if (DAY_CODE.test(t.text) && next?.kind === 'symbol' && ['/', '-'].includes(next.text)) return true;
  if (SCHEDULE_CHATTER_STARTS.has(t.text)) return true;
  if (t.text === 'the') return next?.kind === 'ordinal' || (next?.kind === 'word' && ['last', 'end', 'start'].includes(next.text));
  if (t.text === 'in') return next?.kind === 'number' || (next?.kind === 'word' && readMonth(next.text) !== null);
  return STARTERS.has(t.text) || readWeekday(t.text) !== null || readMonth(t.text) !== null;
}

function isEnder(t: Token, before: Token | undefined): boolean {
  if (t.kind === 'symbol') return t.text === ')';
  // "every now and then", "now and again": the end of a (vague) phrase, not a joining word
  if (t.kind === 'word' && (t.text === 'then' || t.text === 'again') && before?.kind === 'word' && before.text === 'and') return true;
  return !(t.kind === 'word' && (JOINERS.has(t.text) || (FILLERS.has(t.text) && !TERMINAL_FILLERS.has(t.text))));
}

/**
 * Text without [start, end). Where the schedule was at the start or the end, the joining words between it and
 * the prompt go too ("every monday: summarise", "at 9 to summarise", "summarise churn, every monday"); in the
 * middle only punctuation goes, since the words belong to the prompt ("post the report every monday to #sales").
 */
export function buildPromptAround(text: string, start: number, end: number): string {
  let left = text.slice(0, start).replace(/[\s,:;\-\u2013\u2014]+$/u, '');
  let right = text.slice(end).replace(/^[\s,:;.\-\u2013\u2014]+/u, '');
  if (left.trim() === '') right = right.replace(/^(?:to|and|then|please)\b[\s,:;\-\u2013\u2014]*/i, '');
  if (right.trim() === '') left = left.replace(/(?:^|\s+)(?:and|then|on|at)$/i, '').replace(/[\s,:;\-\u2013\u2014]+$/u, '');
  return [left.trim(), right.trim()].filter((s) => s.length > 0).join(' ');
}

interface Candidate {
  i: number;
  j: number;
  result: ScheduleSuccess | ScheduleFailure;
  /** A time taken from the start or end of the line, outside [i, j). */
  extra?: { i: number; j: number };
}

/** Words that start the end of a line the schedule may take along ("… at 2pm", "… except fridays"). */
const TAIL_STARTS = new Set(['except', 'excluding', 'skipping', 'exclude', 'at', 'by', 'around', '@']);

/** Words after which days and dates are what the prompt is about, not when it runs. */
const ARGUMENT_WORDS = new Set(['for', 'about', 'of', 'since', 'before', 'after', 'until', 'till', 'through', 'during', 'between', 'within', 'over', 'than', 'what', 'shipped', 'from']);

/** Words that may come before a lone time at the edge of a line ("… at 2pm", "by 5pm", "around 9"). */
const TIME_LEAD = new Set(['at', 'by', 'around', 'about', '@']);

/**
 * A time alone at the start or the end of the line, outside the schedule span [i, j): its token range, or null.
 * "post the numbers at 2pm" → "at 2pm"; "at 7am post overdue invoices" → "at 7am".
 */
function edgeTime(tokens: readonly Token[], text: string, i: number, j: number): Array<{ i: number; j: number }> {
  const found: Array<{ i: number; j: number }> = [];
  const isTime = (k: number, lead: boolean) => {
    const t = tokens[k];
    const before = tokens[k - 1];
    return (
      t?.kind === 'time' ||
      (t?.kind === 'word' && ['noon', 'midnight'].includes(t.text)) ||
      // "… at 4", "… at 9 and 5": a bare hour only right after "at" or inside a list of times
      (t?.kind === 'number' && !t.word && t.value <= 23 && (lead || (before?.kind === 'word' && before.text === 'at')))
    );
  };
  const isJoin = (k: number) => (tokens[k]?.kind === 'word' && (tokens[k] as { text: string }).text === 'and') || (tokens[k]?.kind === 'symbol' && (tokens[k] as { text: string }).text === ',');
  const zoneEndingAt = (end: number): number => {
    // a zone word or two right before `end` ("PT", "eastern", "London time"), maybe in brackets or after a comma or
    // "in" ("(PT)", "[PT]", ", pacific", "in PT")
    let close = end;
    if (tokens[close - 1]?.kind === 'symbol' && [')', ']'].includes((tokens[close - 1] as { text: string }).text)) close--;
    for (let p = close - 1; p >= Math.max(j, close - 4); p--) {
      const m = matchZoneWords(tokens, p, text);
      if (m && p + m.length === close) {
        let open = p;
        const before = tokens[open - 1];
        if (before && ((before.kind === 'symbol' && ['(', '[', ','].includes(before.text)) || (before.kind === 'word' && before.text === 'in'))) open--;
        return open;
      }
    }
    return end;
  };
  // at the end: [lead] time (and time)* [zone], then only punctuation
  let end = tokens.length;
  while (end > j && tokens[end - 1]?.kind === 'symbol' && ['.', '!', '?'].includes((tokens[end - 1] as { text: string }).text)) end--;
  const last = zoneEndingAt(end) - 1;
  if (last >= j && isTime(last, true)) {
    // walk back over a list of times ("at 9am and 5pm", "at 9 and 5"), then the word that leads it
    let start = last;
    while (start - 2 >= j && isJoin(start - 1) && isTime(start - 2, true)) start -= 2;
    const lead = tokens[start - 1];
    const led = start - 1 >= j && lead?.kind === 'word' && TIME_LEAD.has(lead.text);
    // bare hours ("9 and 5") only after "at"; a clock time ("2pm") stands alone
    const allClock = [...Array(last - start + 1).keys()].every((n) => (n % 2 === 1) || tokens[start + n]?.kind !== 'number');
    if ((led || allClock) && start - (led ? 1 : 0) > j) found.push({ i: start - (led ? 1 : 0), j: end });
  }
  // at the start: [lead] time (and time)* [zone], before the span
  let b = 0;
  if (tokens[b]?.kind === 'word' && TIME_LEAD.has((tokens[b] as { text: string }).text)) b++;
  if (b < i && isTime(b, b > 0)) {
    let e = b + 1;
    while (e + 1 < i && isJoin(e) && isTime(e + 1, true)) e += 2;
    const zone = matchZoneWords(tokens, e, text);
    if (zone) e += zone.length;
    if (e < i) found.push({ i: 0, j: e });
  }
  return found;
}

function overlaps(a: Candidate, b: Candidate): boolean {
  const ranges = (c: Candidate) => [[c.i, c.j], ...(c.extra ? [[c.extra.i, c.extra.j]] : [])];
  return ranges(a).some(([x, y]) => ranges(b).some(([u, v]) => (x as number) < (v as number) && (u as number) < (y as number)));
}

/** A span that says "repeat" on its own ("every friday at 5pm", "each day"), not a lone word or adjective. */
function looksLikeSchedule(tokens: readonly Token[], c: Candidate): boolean {
  const span = tokens.slice(c.i, c.j);
  return span.length >= 2 && span.some((t) => t.kind === 'word' && (t.text === 'every' || t.text === 'each'));
}

/** True when the schedule was given no time of its own (09:00 came from the convention). */
function namesNoTime(parsed: PhraseParse): boolean {
  return parsed.ok && !parsed.ir.step && (parsed.ir.assumed ?? []).includes('no time given: 9:00 AM');
}

/** Reads every schedule-like span of the text; the basis of both finders below. */
export function scanScheduleInText(text: string, options: InterpretOptions): ScheduleTextScan {
  const tokens = tokenisePhrase(text);
  let bestOk: Candidate | undefined;
  let bestRefusal: Candidate | undefined;
  const oks: Candidate[] = [];
  // A schedule at the start or end of the line beats a longer one in the middle ("on the 1st report on the
  // 15th-31st collections"): people put the when before or after the what.
  const content = tokens.filter((t) => !(t.kind === 'symbol' && ['.', '!', '?', ',', ':', ';'].includes(t.text)));
  const firstIndex = tokens.indexOf(content[0] as Token);
  const lastIndex = tokens.indexOf(content[content.length - 1] as Token) + 1;
  const atEdge = (c: Candidate) => c.i <= firstIndex || c.j >= lastIndex;
  const better = (a: Candidate, b: Candidate) => (atEdge(a) !== atEdge(b) ? atEdge(a) : a.j - a.i > b.j - b.i);
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as Token;
    if (!isStarter(first, tokens[i + 1])) continue;
    const before = tokens[i - 1];
    // "summary for the 1st-14th", "what shipped monday through thursday": a day named as what the prompt is about
    if (before?.kind === 'word' && ARGUMENT_WORDS.has(before.text)) continue;
    let okFound = false;
    let refusalFound = false;
    for (let j = Math.min(tokens.length, i + MAX_SPAN); j > i && !(okFound && refusalFound); j--) {
      const last = tokens[j - 1] as Token;
      if (!isEnder(last, tokens[j - 2])) continue;
      // "… at 4pm send this week's deals": a determiner followed by a word belongs to that word, not to chatter.
      if (last.kind === 'word' && POINTING.has(last.text) && tokens[j]?.kind === 'word') continue;
      const length = j - i;
      const span = tokens.slice(i, j);
      const adjectiveOnly = span.every((t) => t.kind === 'word' && ADJECTIVES.has(t.text));
      if (adjectiveOnly && ((before?.kind === 'word' && DETERMINERS.has(before.text)) || (i > 0 && j < tokens.length))) continue;
      const parsed = parseScheduleTokens(span, text);
      const spanText = text.slice(first.start, last.end);
      if (parsed.ok) {
        let result = completeParsed(spanText, parsed, options);
        let extra: Candidate['extra'];
        // The end of the line may finish the schedule: an exception ("… except on fridays"), a time with its zone and
        // exception ("… at 10am (ET) except fridays"), a list of times and days ("… at 9 and thursday at 9"). The
        // longest such tail that reads completely with the schedule is taken; a time only when the schedule has none.
        if (result.ok) {
          let end = tokens.length;
          while (end > j && tokens[end - 1]?.kind === 'symbol' && ['.', '!', '?'].includes((tokens[end - 1] as { text: string }).text)) end--;
          for (let x = j + 1; x < end && !extra; x++) {
            const t = tokens[x] as Token;
            if (!(t.kind === 'word' && TAIL_STARTS.has(t.text))) continue;
            if (x > j && tokens[x - 1]?.kind === 'word' && ARGUMENT_WORDS.has((tokens[x - 1] as { text: string }).text)) continue;
            const tail = tokens.slice(x, end);
            const addsTime = tail.some((tt) => tt.kind === 'time' || tt.kind === 'number');
            if (addsTime && !namesNoTime(parsed)) continue;
            const joined = parseScheduleTokens([...span, ...tail], text);
            const tailText = text.slice(t.start, (tokens[end - 1] as Token).end);
            if (joined.ok) {
              const both = completeParsed(`${spanText} ${tailText}`, joined, options);
              if (!both.ok && both.error.code === 'needs_multiple_schedules') continue;
              result = both;
              extra = { i: x, j: end };
            } else if (!joined.weak && joined.unknown === 0 && joined.refusal.code !== 'not_a_schedule' && !addsTime) {
              result = { input: spanText, ok: false, error: { code: joined.refusal.code, message: joined.refusal.message, alternative: joined.refusal.alternative } };
              extra = { i: x, j: end };
            }
          }
        }
        if (result.ok && !extra && namesNoTime(parsed)) {
          // "every thursday post the numbers at 2pm": the time at the edge of the line is the schedule's
          for (const edge of edgeTime(tokens, text, i, j)) {
            const joined = edge.i < i ? [...tokens.slice(edge.i, edge.j), ...span] : [...span, ...tokens.slice(edge.i, edge.j)];
            const withTime = parseScheduleTokens(joined, text);
            if (!withTime.ok || namesNoTime(withTime)) continue;
            const both = completeParsed(`${spanText} ${text.slice((tokens[edge.i] as Token).start, (tokens[edge.j - 1] as Token).end)}`, withTime, options);
            if (both.ok) {
              result = both;
              extra = edge;
              break;
            }
          }
        }
        if (result.ok && !okFound) {
          okFound = true;
          oks.push({ i, j, result });
          const candidate = { i, j, result, ...(extra ? { extra } : {}) };
          if (!bestOk || better(candidate, bestOk)) bestOk = candidate;
        } else if (!result.ok && !refusalFound) {
          refusalFound = true;
          if (!bestRefusal || length > bestRefusal.j - bestRefusal.i) bestRefusal = { i, j, result, ...(extra ? { extra } : {}) };
        }
      } else if (!refusalFound && !parsed.weak && parsed.unknown === 0 && parsed.refusal.code !== 'not_a_schedule') {
        refusalFound = true;
        const result: ScheduleFailure = {
          input: spanText,
          ok: false,
          error: { code: parsed.refusal.code, message: parsed.refusal.message, alternative: parsed.refusal.alternative },
        };
        if (!bestRefusal || length > bestRefusal.j - bestRefusal.i) bestRefusal = { i, j, result };
      }
    }
  }
  const cut = (c: Candidate) => {
    const start = (tokens[c.i] as Token).start;
    const end = (tokens[c.j - 1] as Token).end;
    if (!c.extra) return { scheduleText: text.slice(start, end), prompt: buildPromptAround(text, start, end) };
    const edgeStart = (tokens[c.extra.i] as Token).start;
    const edgeEnd = (tokens[c.extra.j - 1] as Token).end;
    const edgeText = text.slice(edgeStart, edgeEnd);
    if (c.extra.i >= c.j) {
      // the time was at the end: cut it off, then the schedule as usual
      const rest = text.slice(0, edgeStart).replace(/[\s,:;\-\u2013\u2014]+$/u, '');
      return { scheduleText: `${text.slice(start, end)} ${edgeText}`, prompt: buildPromptAround(rest, start, end) };
    }
    const rest = text.slice(edgeEnd);
    const shift = edgeEnd + (rest.length - rest.replace(/^[\s,:;.\-\u2013\u2014]+/u, '').length);
    const trimmed = text.slice(shift);
    return { scheduleText: `${edgeText} ${text.slice(start, end)}`, prompt: buildPromptAround(trimmed, start - shift, end - shift) };
  };
  // A refusal that covers the schedule and more ("every monday until december") is the real answer.
  // "every monday at 9am post churn and every friday at 5pm post wins": two schedules in one line. Taking the
  // first would drop the second without a word; say so instead.
  const second = bestOk && oks.find((c) => c !== bestOk && !overlaps(c, bestOk) && looksLikeSchedule(tokens, c));
  if (bestOk && second) {
    const [a, b] = [bestOk, second].sort((x, y) => x.i - y.i) as [Candidate, Candidate];
    const textOf = (c: Candidate) => text.slice((tokens[c.i] as Token).start, (tokens[c.j - 1] as Token).end);
    const refusal = buildMultipleSchedulesRefusal(`That line holds two schedules, “${textOf(a)}” and “${textOf(b)}”.`, textOf(a));
    return {
      found: 'refusal',
      refusal: { input: text, ok: false, error: { code: refusal.code, message: refusal.message, alternative: refusal.alternative } },
      ...cut(a),
    };
  }
  const refusalWins = bestRefusal && (!bestOk || (bestRefusal.i <= bestOk.i && bestRefusal.j >= bestOk.j && bestRefusal.j - bestRefusal.i > bestOk.j - bestOk.i));
  if (bestRefusal && refusalWins) return { found: 'refusal', refusal: bestRefusal.result as ScheduleFailure, ...cut(bestRefusal) };
  if (bestOk) return { found: 'schedule', schedule: bestOk.result as ScheduleSuccess, ...cut(bestOk) };
  return { found: 'none', prompt: text.trim() };
}

/** The schedule inside free text and the prompt around it, or null when the text holds no valid schedule. */
export function findScheduleInText(text: string, options: InterpretOptions): ScheduleInText | null {
  const scan = scanScheduleInText(text, options);
  return scan.found === 'schedule' ? { schedule: scan.schedule, scheduleText: scan.scheduleText, prompt: scan.prompt } : null;
}

/**
 * The schedule-like part of free text that cannot be a schedule ("every other week post the churn report"), with
 * its refusal for quick create to show; null when the text holds a valid schedule or nothing schedule-like.
 */
export function findScheduleRefusalInText(text: string, options: InterpretOptions): RefusalInText | null {
  const scan = scanScheduleInText(text, options);
  return scan.found === 'refusal' ? { refusal: scan.refusal, scheduleText: scan.scheduleText, prompt: scan.prompt } : null;
}
