/**
 * The main loop: at each position, chatter first, then the rules in a fixed order (the first that reads something
 * wins), then single filler words; anything else is an unknown word. Every token ends with a role, and every rule
 * application that added something is recorded as a mark (its kinds and tokens) for joins.ts.
 *
 * The order matters where constructions overlap: refusal words before what they contain ("every time a deal
 * closes" is an event, not a step), steps before days ("every 2 weeks"), dates and ordinals before times ("3/20",
 * "15 june"), windows and anchors before bare times ("between 9 and 5", "starting at 7pm").
 */
import { isFillerAt, matchChatter } from './filler.js';
import { readDayWords, readEdgeOfPeriod, readExcept, readNearestWeekday, readOrdinals, readShorthandDays } from './days.js';
import { readEvery, readFrequencyWord, readIntervalNoun, readTimesPer } from './frequency.js';
import { readHoliday, readMonthContext, readMonthRange, readMonths, readNumericDate, readQuarterNames, readYear } from './months.js';
import { readBounds, readCalendarWords, readEventWords, readOneOffWords, readVagueWords } from './refusal-words.js';
import { PhraseState } from './state.js';
import type { MarkKind } from './state.js';
import { readApproximateTime, readBusinessHours, readMinutePast, readPeriod, readStartAt, readTime, readWindow, readZone } from './times.js';
import type { Token } from '../normalise.js';

type Rule = (s: PhraseState) => boolean;

const RULES: readonly Rule[] = [
  readZone,
  readVagueWords,
  readEventWords,
  readHoliday,
  readCalendarWords,
  readMonthRange,
  readBounds,
  readOneOffWords,
  readEvery,
  readTimesPer,
  readFrequencyWord,
  readIntervalNoun,
  readNearestWeekday,
  readEdgeOfPeriod,
  readExcept,
  readNumericDate,
  readOrdinals,
  readShorthandDays,
  readDayWords,
  readMonths,
  readQuarterNames,
  readMonthContext,
  readWindow,
  readStartAt,
  readBusinessHours,
  readMinutePast,
  readApproximateTime,
  readTime,
  readPeriod,
  readYear,
];

const KINDS: readonly MarkKind[] = ['D', 'E', 'T', 'P', 'N', 'W', 'S', 'M', 'Z', 'X', 'F'];

/** Reads every token of `tokens` into a state; roles and marks included. */
export function readTokens(tokens: readonly Token[], text: string): PhraseState {
  const s = new PhraseState(tokens, text);
  s.everySaid = tokens.some((t) => t.kind === 'word' && (t.text === 'every' || t.text === 'each'));
  while (s.i < tokens.length) {
    const start = s.i;
    const chatter = matchChatter(s);
    if (chatter > 0) {
      s.roles.fill('filler', start, start + chatter);
      s.i += chatter;
      continue;
    }
    const before = s.snapshot();
    if (RULES.some((rule) => rule(s))) {
      if (s.i <= start) throw new Error(`schedule rule made no progress at token ${start}`);
      s.roles.fill('schedule', start, s.i);
      const after = s.snapshot();
      const kinds = KINDS.filter((k) => after[k] > before[k]);
      if (kinds.length > 0) s.marks.push({ kinds, start, end: s.i });
      continue;
    }
    const tok = tokens[start] as Token;
    if (tok.kind === 'word' && (tok.text === 'every' || tok.text === 'each')) s.repeating = true;
    // an emoji or other pictograph carries no schedule (🙏, 👍)
    // (the lexer cuts an emoji into its two UTF-16 halves, so a lone surrogate counts as one)
    const pictograph = tok.kind === 'symbol' && /\p{Extended_Pictographic}|\p{Emoji_Modifier}|[\u200d\ufe0f]|[\ud800-\udfff]/u.test(tok.text);
    s.roles[start] = isFillerAt(s) || pictograph ? 'filler' : 'unknown';
    s.i++;
  }
  return s;
}

/** The tokens no rule or filler accounted for. */
export function unknownTokens(s: PhraseState): Token[] {
  return s.t.filter((_, k) => s.roles[k] !== 'schedule' && s.roles[k] !== 'filler');
}
