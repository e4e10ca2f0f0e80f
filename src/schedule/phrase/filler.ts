/**
 * Words that carry no schedule: joining words ("at", "on", "the") and the chatter people wrap around a schedule
 * ("please", "can you", "thanks!", "hey bot,", "schedule it for", "my time", "if possible"). They are accounted
 * for as filler; anything else a rule did not read makes the phrase "not a schedule".
 */
import type { PhraseState } from './state.js';

export const FILLERS = new Set([
  'at', 'on', 'the', 'of', 'in', 'a', 'an', 'and', 'to', 'from', 'by', 'please', 'sharp', 'oclock', 'also', 'then',
  'local', 'during', 'within', 'every', 'each', 'forever', 'indefinitely', 'ongoing', 'is', 'it', 'be', 'should',
  'run', 'runs', 'recur', 'recurs', 'recurring', 'repeat', 'repeating', 'repeats', 'time', 'o', 'clock', 'starting',
  'on-going', 'only', 'again', 'ty', 'tia', 'too', 'ideally', 'preferably', 'um', 'umm', 'uh', 'just', 'ish', 'so', 'plus', 'pls', 'plz', 'thanks', 'thx', 'cheers', 'ok', 'okay', 'hey', 'hi', 'hello',
]);

export const SYMBOL_FILLERS = new Set([',', '-', '(', ')', '[', ']', '.', ';', ':', '/', '!', '"', "'", '?']);

/** Filler tokens that join two parts of a schedule: where joined schedules are split (joins.ts). */
export const JOIN_WORDS = new Set(['and', 'also', 'plus', 'then']);
export const JOIN_SYMBOLS = new Set([',', ';']);

/**
 * Chatter: word sequences read as filler before any rule runs, so "if possible" is not an event trigger and
 * "schedule it for" leaves no unknown "for". Longest match wins; an entry may end in optional words.
 */
const CHATTER: ReadonlyArray<{ words: readonly string[]; optional?: readonly string[] }> = [
  { words: ['can', 'you'], optional: ['please', 'make', 'set', 'schedule', 'run', 'send', 'post', 'do', 'it', 'this', 'that', 'for'] },
  { words: ['can', 'we'], optional: ['please', 'make', 'set', 'schedule', 'run', 'do', 'it', 'this', 'that', 'for'] },
  { words: ['could', 'we'], optional: ['please', 'make', 'set', 'schedule', 'run', 'do', 'it', 'this', 'that', 'for'] },
  { words: ['let', 'do'] },
  { words: ['let', 'say'] },
  { words: ['lets', 'do'] },
  { words: ['lets', 'say'] },
  { words: ['how', 'about'] },
  { words: ['what', 'about'] },
  { words: ['remind', 'me'] },
  { words: ['would', 'be', 'great'] },
  { words: ['would', 'be', 'perfect'] },
  { words: ['would', 'be', 'good'] },
  { words: ['works', 'for', 'me'] },
  { words: ['that', 'it'] },
  { words: ['if', 'that', 'ok'] },
  { words: ['if', 'thats', 'ok'] },
  { words: ['if', 'that', 'works'] },
  { words: ['on', 'the', 'dot'] },
  { words: ['ok', 'so'] },
  { words: ['as', 'well'] },
  { words: ['could', 'you'], optional: ['please', 'make', 'set', 'schedule', 'run', 'send', 'post', 'it', 'this', 'that', 'for'] },
  { words: ['would', 'you'], optional: ['please', 'make', 'set', 'schedule', 'run', 'send', 'post', 'it', 'this', 'that', 'for'] },
  { words: ['will', 'you'], optional: ['please', 'make', 'set', 'schedule', 'run', 'send', 'post', 'it', 'this', 'that', 'for'] },
  { words: ['hey', 'bot'] },
  { words: ['hi', 'bot'] },
  { words: ['thank', 'you'], optional: ['so', 'much', 'very'] },
  { words: ['thanks', 'so', 'much'] },
  { words: ['thanks', 'a', 'lot'] },
  { words: ['many', 'thanks'] },
  { words: ["i'd", 'like'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'have', 'for'] },
  { words: ['id', 'like'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'have', 'for'] },
  { words: ['i', 'would', 'like'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'have', 'for'] },
  { words: ["we'd", 'like'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'have', 'for'] },
  { words: ['i', 'want'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'for'] },
  { words: ['we', 'want'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'for'] },
  { words: ['i', 'need'], optional: ['this', 'it', 'that', 'to', 'run', 'get', 'for'] },
  { words: ['schedule', 'it'], optional: ['for', 'to', 'run'] },
  { words: ['schedule', 'this'], optional: ['for', 'to', 'run'] },
  { words: ['schedule', 'for'] },
  { words: ['set', 'it'], optional: ['for', 'to', 'run'] },
  { words: ['set', 'this'], optional: ['for', 'to', 'run'] },
  { words: ['make', 'it'], optional: ['run', 'for'] },
  { words: ['have', 'it'], optional: ['run', 'for'] },
  { words: ['send', 'it'], optional: ['out', 'for'] },
  { words: ['send', 'this'], optional: ['out', 'for'] },
  { words: ['run', 'it'], optional: ['for'] },
  { words: ['run', 'this'], optional: ['for'] },
  { words: ['post', 'it'], optional: ['for'] },
  { words: ['if', 'possible'] },
  { words: ['if', 'you', 'can'] },
  { words: ['my', 'time'] },
  { words: ['my', 'local', 'time'] },
  { words: ['my', 'timezone'] },
  { words: ['my', 'time', 'zone'] },
  { words: ['in', 'my', 'time', 'zone'] },
  { words: ['in', 'my', 'timezone'] },
  { words: ['my', 'tz'] },
  { words: ['local', 'time'] },
  { words: ['as', 'well', 'as'] },
  { words: ['and', 'also'] },
  { words: ['and', 'then'] },
];

/** First words of chatter that belongs to the schedule, not the request ("schedule it for …"): quick create cuts it. */
export const SCHEDULE_CHATTER_STARTS = new Set(['schedule', 'set']);

/** How many tokens of chatter start at the cursor (0: none). */
export function matchChatter(s: PhraseState): number {
  let best = 0;
  for (const entry of CHATTER) {
    if (!entry.words.every((w, k) => s.word(k) === w)) continue;
    let n = entry.words.length;
    if (entry.optional) while (s.word(n) !== undefined && entry.optional.includes(s.word(n) as string)) n++;
    if (n > best) best = n;
  }
  return best;
}

/** True when the token at the cursor is a single filler word or symbol. */
export function isFillerAt(s: PhraseState): boolean {
  const tok = s.at();
  return (tok?.kind === 'word' && FILLERS.has(tok.text)) || (tok?.kind === 'symbol' && SYMBOL_FILLERS.has(tok.text));
}
