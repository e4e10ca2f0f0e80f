/**
 * Step 1 of the phrase pipeline: cut what people type into tokens, keeping each token's place in the original
 * text (find-in-text needs it to cut the prompt out), with case, punctuation variants, abbreviations and small
 * typos smoothed away. Nothing here decides what a phrase means.
 */
import { createLruCache } from '../cache.js';

interface TokenBase {
  /** Offsets into the original text: text.slice(start, end) is what the user typed. */
  start: number;
  end: number;
}

export type Token = TokenBase &
  (
    | { kind: 'word'; text: string; plural?: boolean }
    /** `word` is true for "nine", "fifteen": a number spelled out (never a year, never 24h). */
    | { kind: 'number'; value: number; raw: string; word?: boolean }
    /** "1st", "15th", "first": `word` true when spelled out. */
    | { kind: 'ordinal'; value: number; word: boolean }
    /** A clock time: "9am", "9:30", "21:00", "9h", "0900" is a number token (it may be a year). */
    | { kind: 'time'; hour: number; minute: number; meridiem?: 'am' | 'pm'; twentyFour: boolean }
    /** ":30" — minutes past the hour. */
    | { kind: 'minuteMark'; minute: number }
    | { kind: 'zone'; zone: string }
    | { kind: 'symbol'; text: string }
  );

export type TokenOf<K extends Token['kind']> = Extract<Token, { kind: K }>;

/**
 * A lookup table keyed by what people typed: no prototype, so "constructor" or "__proto__" in a phrase is just an
 * unknown word, never Object's own properties.
 */
export function ownKeysOnly<T extends object>(table: T): T {
  return Object.assign(Object.create(null) as T, table);
}


const DAY_WORDS: Record<string, string> = ownKeysOnly({
  mon: 'monday', monday: 'monday',
  tue: 'tuesday', tues: 'tuesday', tuesday: 'tuesday', tu: 'tuesday',
  wed: 'wednesday', weds: 'wednesday', wednesday: 'wednesday',
  thu: 'thursday', thur: 'thursday', thurs: 'thursday', thursday: 'thursday', thr: 'thursday',
  fri: 'friday', friday: 'friday',
  sat: 'saturday', saturday: 'saturday',
  sun: 'sunday', sunday: 'sunday',
});

const MONTH_WORDS: Record<string, string> = ownKeysOnly({
  jan: 'january', january: 'january', feb: 'february', february: 'february', mar: 'march', march: 'march',
  apr: 'april', april: 'april', may: 'may', jun: 'june', june: 'june', jul: 'july', july: 'july',
  aug: 'august', august: 'august', sep: 'september', sept: 'september', september: 'september',
  oct: 'october', october: 'october', nov: 'november', november: 'november', dec: 'december', december: 'december',
});

/** Abbreviations and variants → the one word the grammar knows. Plurals of units collapse to the singular. */
const WORD_ALIASES: Record<string, string> = ownKeysOnly({
  evry: 'every', evey: 'every', ev: 'every', eery: 'every', every1: 'every',
  min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute', mn: 'minute',
  hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  sec: 'seconds', secs: 'seconds', seconds: 'seconds',
  days: 'day', weeks: 'week', wk: 'week', wks: 'week', months: 'month', mo: 'month', mos: 'month', years: 'year',
  yr: 'year', yrs: 'year', quarters: 'quarter', qtr: 'quarter', qtrly: 'quarterly',
  weekdays: 'weekday', wkday: 'weekday', wkdays: 'weekday', wkdy: 'weekday', weekdys: 'weekday',
  weekends: 'weekend', wkend: 'weekend', wkends: 'weekend',
  workdays: 'workday', 'work-day': 'workday',
  mornings: 'morning', morn: 'morning', afternoons: 'afternoon', evenings: 'evening', nights: 'night', nite: 'night',
  oclock: 'oclock', "o'clock": 'oclock', "o'clk": 'oclock',
  thru: 'through', til: 'till', untill: 'until',
  tmrw: 'tomorrow', tmr: 'tomorrow', tmw: 'tomorrow', tomorow: 'tomorrow', tommorow: 'tomorrow', tommorrow: 'tomorrow',
  midday: 'noon', lunchtime: 'noon', lunch: 'noon', 'lunch-time': 'noon',
  holidays: 'holiday', hols: 'holiday',
  annual: 'yearly', annually: 'yearly', yearly: 'yearly',
  semiannually: 'halfyearly', semiannual: 'halfyearly', biannually: 'halfyearly', biannual: 'halfyearly',
  halfyearly: 'halfyearly', 'half-yearly': 'halfyearly', 'semi-annually': 'halfyearly', 'bi-annually': 'halfyearly',
  'semi-annual': 'halfyearly', 'half-hourly': 'halfhourly', halfhourly: 'halfhourly', 'twice-daily': 'twicedaily',
  'every-day': 'daily', 'bi-yearly': 'halfyearly', 'per-day': 'daily', 'end-of-day': 'eod',
  'bi-weekly': 'biweekly', 'bi-monthly': 'bimonthly', semimonthly: 'bimonthly', 'semi-monthly': 'bimonthly',
  'real-time': 'realtime', 'one-off': 'oneoff', 'one-time': 'oneoff', onetime: 'oneoff',
  asap: 'now', '&': 'and', n: 'and', excl: 'except', excluding: 'except', exc: 'except', besides: 'except',
  intervals: 'interval', times: 'times',
});

/** Words worth correcting when mistyped: long enough that a near miss is very likely this word. */
const FUZZY_TARGETS = [
  ...new Set([
    ...Object.values(DAY_WORDS),
    ...Object.values(MONTH_WORDS).filter((m) => m.length >= 5),
    'every', 'daily', 'weekly', 'monthly', 'hourly', 'quarterly', 'yearly', 'annually', 'weekday', 'weekdays',
    'weekend', 'weekends', 'morning', 'afternoon', 'evening', 'midnight', 'minute', 'minutes', 'business',
    'between', 'except', 'tomorrow', 'fortnightly', 'biweekly', 'through', 'quarter', 'holiday', 'holidays',
    'workday', 'workdays', 'starting', 'o\'clock', 'nightly', 'whenever', 'twice', 'until',
  ]),
];

const NUMBER_WORDS: Record<string, number> = ownKeysOnly({
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, fifteen: 15, twenty: 20, thirty: 30, 'forty-five': 45, fortyfive: 45, ninety: 90,
});

const ORDINAL_WORDS: Record<string, number> = ownKeysOnly({
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  fifteenth: 15, twentieth: 20,
});

/** Words whose spelling is already fine: never "correct" these into something else. */
const KNOWN_WORDS = new Set([
  ...Object.keys(DAY_WORDS), ...Object.keys(MONTH_WORDS), ...Object.keys(WORD_ALIASES), ...Object.keys(NUMBER_WORDS),
  ...Object.keys(ORDINAL_WORDS), ...FUZZY_TARGETS,
  'at', 'on', 'the', 'of', 'in', 'a', 'an', 'and', 'or', 'to', 'from', 'by', 'day', 'week', 'month', 'year', 'last',
  'new', 'eve', 'only', 'thanks', 'around', 'about', 'roughly', 'possible', 'like', 'want', 'schedule', 'lunch', 'xmas',
  'noon', 'next', 'this', 'that', 'past', 'half', 'each', 'other', 'except', 'but', 'not', 'night', 'time', 'sharp',
  'then', 'weeks', 'month', 'hour', 'starting', 'start', 'end', 'after', 'before', 'until', 'till', 'when', 'if',
  'once', 'hourly', 'today', 'tonight', 'every', 'also', 'plus', 'with', 'without', 'during', 'within', 'per',
  'bank', 'fiscal', 'month', 'mid', 'middle', 'near', 'nearest', 'closest', 'working', 'work', 'office', 'few',
  'several', 'some', 'couple', 'twice', 'thrice', 'send', 'post', 'run', 'please', 'report', 'summary',
]);

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped for speed. */
export function measureEditDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

// Keyed by words people type, so bounded: a flood of distinct words cannot grow it without end.
const fuzzyCache = createLruCache<string, { best: string | null }>({ max: 5000 });

/** The known word a typo most likely meant: ≤1 edit for 4–6 letters, ≤2 from 7, same first letter. */
export function correctTypo(word: string): string | null {
  if (word.length < 4 || KNOWN_WORDS.has(word)) return null;
  const cached = fuzzyCache.get(word);
  if (cached !== undefined) return cached.best;
  const allowed = word.length >= 7 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const target of FUZZY_TARGETS) {
    if (target[0] !== word[0]) continue;
    const d = measureEditDistance(word, target, allowed);
    if (d < bestDistance) {
      best = target;
      bestDistance = d;
    }
  }
  fuzzyCache.set(word, { best });
  return best;
}

/** Turns one typed word into the grammar's word (plus a plural flag for day names: "mondays" = every Monday). */
function normaliseWord(raw: string): { text: string; plural?: boolean } {
  let w = raw.toLowerCase().replace(/[\u2019`]/g, "'");
  const direct = DAY_WORDS[w] ?? MONTH_WORDS[w] ?? WORD_ALIASES[w];
  if (direct) return { text: direct };
  // plural day names: mondays, tues, thursdays
  if (w.endsWith('s') && DAY_WORDS[w.slice(0, -1)]) return { text: DAY_WORDS[w.slice(0, -1)] as string, plural: true };
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (KNOWN_WORDS.has(w)) return { text: w };
  const fixed = correctTypo(w);
  if (fixed) {
    if (fixed.endsWith('s') && DAY_WORDS[fixed.slice(0, -1)]) return { text: DAY_WORDS[fixed.slice(0, -1)] as string, plural: true };
    return { text: DAY_WORDS[fixed] ?? MONTH_WORDS[fixed] ?? WORD_ALIASES[fixed] ?? fixed };
  }
  // "wendesdays": a typo'd plural
  if (w.endsWith('s') && w.length >= 5) {
    const single = correctTypo(w.slice(0, -1));
    if (single && DAY_WORDS[single]) return { text: DAY_WORDS[single] as string, plural: true };
  }
  return { text: w };
}

/** Canonical IANA spelling of a zone name typed in any case, or null when it is not a zone. */
export function resolveIanaZone(name: string): string | null {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$|^UTC$/i.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

// One pass over the text; the order of alternatives matters (a time before a number, an IANA zone before words).
const LEXER = new RegExp(
  [
    String.raw`(?<iana>[A-Za-z_]+(?:\/[A-Za-z0-9_+\-]+)+)`,
    String.raw`(?<offset>\b(?:utc|gmt)\s*(?<sign>[+\-\u2212])\s*(?<offh>\d{1,2})(?::?(?<offm>\d{2}))?)(?![\d:])`,
    String.raw`(?<clock>\b(?<ch>\d{1,2})[:.](?<cm>\d{2})(?:\s*(?<cmer>[ap])\.?\s*m\b\.?|(?<cshort>[ap])\b|h(?:rs)?\b)?)(?![\d:])`,
    String.raw`(?<mer>\b(?<mh>\d{1,2})(?:\s*(?<mmer>[ap])\.?\s*m\b\.?|(?<mshort>[ap])\b))`,
    String.raw`(?<hfmt>\b(?<hh>\d{1,2})h(?<hm>\d{2})?\b)`,
    String.raw`(?<ord>\b(?<ov>\d{1,2})\s?(?:st|nd|rd|th)\b)`,
    String.raw`(?<dec>\b\d+\.\d+\b)`,
    String.raw`(?<num>\d+)`,
    String.raw`(?<mark>:(?<mk>\d{2})\b)`,
    String.raw`(?<oneoff>\bone[\s\-]?(?:off|time)\b)`,
    String.raw`(?<word>[A-Za-z][A-Za-z0-9]*(?:['\u2019][A-Za-z]+)?(?:-(?:weekly|monthly|yearly|annually|annual|hourly|daily|day|time|five|off)\b)?)`,
    String.raw`(?<dash>[\-\u2013\u2014\u2010\u2212]+)`,
    String.raw`(?<sym>\S)`,
  ].join('|'),
  'gi',
);

/** Cuts a phrase into normalised tokens. Whitespace is dropped; every other character lands in some token. */
export function tokenisePhrase(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(LEXER)) {
    const g = m.groups ?? {};
    const start = m.index;
    const end = start + m[0].length;
    if (g.iana) {
      const zone = resolveIanaZone(g.iana);
      if (zone) {
        tokens.push({ kind: 'zone', zone, start, end });
        continue;
      }
      // Not a zone ("mon/wed/fri"): lex the parts on their own, with "/" between them, keeping offsets.
      let offset = start;
      for (const [n, part] of g.iana.split('/').entries()) {
        if (n > 0) {
          tokens.push({ kind: 'symbol', text: '/', start: offset, end: offset + 1 });
          offset++;
        }
        for (const t of tokenisePhrase(part)) tokens.push({ ...t, start: t.start + offset, end: t.end + offset });
        offset += part.length;
      }
      continue;
    }
    if (g.offset) {
      const hours = Number(g.offh);
      const minutes = g.offm ? Number(g.offm) : 0;
      const sign = g.sign === '+' ? '-' : '+'; // Etc/GMT signs are inverted (Etc/GMT-2 is UTC+2)
      if (minutes === 0 && hours <= 14) tokens.push({ kind: 'zone', zone: hours === 0 ? 'UTC' : `Etc/GMT${sign}${hours}`, start, end });
      else tokens.push({ kind: 'symbol', text: m[0], start, end });
      continue;
    }
    if (g.clock) {
      const mer = g.cmer ?? g.cshort;
      const meridiem = mer ? (mer.toLowerCase() === 'a' ? 'am' : 'pm') : undefined;
      const hourText = g.ch as string;
      tokens.push({
        kind: 'time', hour: Number(hourText), minute: Number(g.cm), start, end,
        // "21:00" and "09:30" are 24-hour clock times; "9:30" is read like a bare hour.
        twentyFour: !meridiem && (hourText.startsWith('0') || Number(hourText) > 12 || Number(hourText) === 0),
        ...(meridiem ? { meridiem } : {}),
      });
      continue;
    }
    if (g.mer) {
      tokens.push({ kind: 'time', hour: Number(g.mh), minute: 0, meridiem: (g.mmer ?? g.mshort)?.toLowerCase() === 'a' ? 'am' : 'pm', twentyFour: false, start, end });
      continue;
    }
    if (g.hfmt) {
      tokens.push({ kind: 'time', hour: Number(g.hh), minute: g.hm ? Number(g.hm) : 0, twentyFour: true, start, end });
      continue;
    }
    if (g.ord) {
      tokens.push({ kind: 'ordinal', value: Number(g.ov), word: false, start, end });
      continue;
    }
    if (g.dec) {
      tokens.push({ kind: 'number', value: Number(g.dec), raw: g.dec, start, end });
      continue;
    }
    if (g.num) {
      tokens.push({ kind: 'number', value: Number(g.num), raw: g.num, start, end });
      continue;
    }
    if (g.mark) {
      tokens.push({ kind: 'minuteMark', minute: Number(g.mk), start, end });
      continue;
    }
    if (g.oneoff) {
      tokens.push({ kind: 'word', text: 'oneoff', start, end });
      continue;
    }
    if (g.word) {
      const lower = g.word.toLowerCase();
      if (lower === 'everyday') {
        // one typed word, two grammar words; both point at the same text
        tokens.push({ kind: 'word', text: 'every', start, end }, { kind: 'word', text: 'day', start, end });
        continue;
      }
      const numberWord = NUMBER_WORDS[lower];
      if (numberWord !== undefined) {
        tokens.push({ kind: 'number', value: numberWord, raw: lower, word: true, start, end });
        continue;
      }
      const ordinalWord = ORDINAL_WORDS[lower];
      if (ordinalWord !== undefined) {
        tokens.push({ kind: 'ordinal', value: ordinalWord, word: true, start, end });
        continue;
      }
      // "half-hourly", "bi-weekly", "one-off": keep the hyphenated word whole when we know it
      const hyphenated = lower.includes('-') ? WORD_ALIASES[lower] ?? (lower.replace('-', '') in WORD_ALIASES ? WORD_ALIASES[lower.replace('-', '')] : undefined) : undefined;
      if (hyphenated) {
        tokens.push({ kind: 'word', text: hyphenated, start, end });
        continue;
      }
      if (lower.includes('-')) {
        // an unknown hyphenated word: split it ("mon-fri" never gets here, the dash is not a word character)
        const cut = lower.indexOf('-');
        for (const t of tokenisePhrase(g.word.slice(0, cut))) tokens.push({ ...t, start: t.start + start, end: t.end + start });
        tokens.push({ kind: 'symbol', text: '-', start: start + cut, end: start + cut + 1 });
        for (const t of tokenisePhrase(g.word.slice(cut + 1))) tokens.push({ ...t, start: t.start + start + cut + 1, end: t.end + start + cut + 1 });
        continue;
      }
      const norm = normaliseWord(lower);
      tokens.push({ kind: 'word', text: norm.text, start, end, ...(norm.plural ? { plural: true } : {}) });
      continue;
    }
    if (g.dash) {
      tokens.push({ kind: 'symbol', text: '-', start, end });
      continue;
    }
    const sym = m[0];
    if (sym === '&' || sym === '+') tokens.push({ kind: 'word', text: 'and', start, end });
    else if (sym === '@') tokens.push({ kind: 'word', text: 'at', start, end });
    else tokens.push({ kind: 'symbol', text: sym, start, end });
  }
  return tokens;
}

export const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
] as const;

/** 1=SUN … 7=SAT (the Omni/Quartz numbering used in CronField), or null. */
export function readWeekday(word: string): number | null {
  const i = (DAY_NAMES as readonly string[]).indexOf(word);
  return i < 0 ? null : i + 1;
}

/** 1–12, or null. */
export function readMonth(word: string): number | null {
  const i = (MONTH_NAMES as readonly string[]).indexOf(word);
  return i < 0 ? null : i + 1;
}
