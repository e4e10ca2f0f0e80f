/**
 * Quick create: find the schedule inside free text ("every weekday at 9am summarise yesterday's pipeline") and
 * keep the rest as the prompt. Every span of tokens that starts like a schedule is read with the same grammar as
 * the schedule field; the longest span that is a valid schedule wins. Spans must be read completely (no unknown
 * words), so prompt words never leak into the schedule.
 */
import { completeParsed } from './interpret.js';
import type { ScheduleFailure, ScheduleSuccess } from './interpret.js';
import { readMonth, readWeekday, tokenisePhrase } from './normalise.js';
import type { Token } from './normalise.js';
import { parseScheduleTokens } from './phrase.js';
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
const ADJECTIVES = new Set(['daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'hourly', 'nightly', 'halfyearly']);

const MAX_SPAN = 24;

function isStarter(t: Token, next: Token | undefined): boolean {
  if (t.kind === 'ordinal' || t.kind === 'time' || t.kind === 'zone') return true;
  if (t.kind !== 'word') return false;
  if (t.text === 'the') return next?.kind === 'ordinal' || (next?.kind === 'word' && ['last', 'end', 'start'].includes(next.text));
  if (t.text === 'in') return next?.kind === 'number' || (next?.kind === 'word' && readMonth(next.text) !== null);
  return STARTERS.has(t.text) || readWeekday(t.text) !== null || readMonth(t.text) !== null;
}

function isEnder(t: Token): boolean {
  if (t.kind === 'symbol') return t.text === ')';
  return !(t.kind === 'word' && JOINERS.has(t.text));
}

/**
 * Text without [start, end). Where the schedule was at the start or the end, the joining words between it and
 * the prompt go too ("every monday: summarise", "at 9 to summarise", "summarise churn, every monday"); in the
 * middle only punctuation goes, since the words belong to the prompt ("post the report every monday to #sales").
 */
export function buildPromptAround(text: string, start: number, end: number): string {
  let left = text.slice(0, start).replace(/[\s,:;\-–—]+$/u, '');
  let right = text.slice(end).replace(/^[\s,:;.\-–—]+/u, '');
  if (left.trim() === '') right = right.replace(/^(?:to|and|then|please)\b[\s,:;\-–—]*/i, '');
  if (right.trim() === '') left = left.replace(/(?:^|\s+)(?:and|then|on|at)$/i, '').replace(/[\s,:;\-–—]+$/u, '');
  return [left.trim(), right.trim()].filter((s) => s.length > 0).join(' ');
}

interface Candidate {
  i: number;
  j: number;
  result: ScheduleSuccess | ScheduleFailure;
}

/** Reads every schedule-like span of the text; the basis of both finders below. */
export function scanScheduleInText(text: string, options: InterpretOptions): ScheduleTextScan {
  const tokens = tokenisePhrase(text);
  let bestOk: Candidate | undefined;
  let bestRefusal: Candidate | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as Token;
    if (!isStarter(first, tokens[i + 1])) continue;
    const before = tokens[i - 1];
    let okFound = false;
    let refusalFound = false;
    for (let j = Math.min(tokens.length, i + MAX_SPAN); j > i && !(okFound && refusalFound); j--) {
      const last = tokens[j - 1] as Token;
      if (!isEnder(last)) continue;
      const length = j - i;
      const span = tokens.slice(i, j);
      const adjectiveOnly = span.every((t) => t.kind === 'word' && ADJECTIVES.has(t.text));
      if (adjectiveOnly && ((before?.kind === 'word' && DETERMINERS.has(before.text)) || (i > 0 && j < tokens.length))) continue;
      const parsed = parseScheduleTokens(span, text);
      const spanText = text.slice(first.start, last.end);
      if (parsed.ok) {
        const result = completeParsed(spanText, parsed.ir, options);
        if (result.ok && !okFound) {
          okFound = true;
          if (!bestOk || length > bestOk.j - bestOk.i) bestOk = { i, j, result };
        } else if (!result.ok && !refusalFound) {
          refusalFound = true;
          if (!bestRefusal || length > bestRefusal.j - bestRefusal.i) bestRefusal = { i, j, result };
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
    return { scheduleText: text.slice(start, end), prompt: buildPromptAround(text, start, end) };
  };
  // A refusal that covers the schedule and more ("every monday until december") is the real answer.
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
