/**
 * Zone words people put in a schedule ("9am eastern", "London time", "PST") → IANA zones. A zone word sets the
 * routine's time-zone field; it never changes the cron. Abbreviations name the region, not the season: "EST" in
 * July still means New York's wall clock, which is what the person meant.
 */
import type { Token } from './normalise.js';

/** Word sequences (already normalised, lower case) → IANA zone. Longest match wins. */
const ZONE_WORDS: ReadonlyArray<readonly [string[], string]> = [
  [['utc'], 'UTC'], [['gmt'], 'UTC'], [['zulu'], 'UTC'], [['coordinated', 'universal'], 'UTC'],
  [['eastern'], 'America/New_York'], [['us', 'eastern'], 'America/New_York'], [['et'], 'America/New_York'],
  [['est'], 'America/New_York'], [['edt'], 'America/New_York'], [['new', 'york'], 'America/New_York'],
  [['nyc'], 'America/New_York'], [['ny'], 'America/New_York'],
  [['central'], 'America/Chicago'], [['us', 'central'], 'America/Chicago'], [['ct'], 'America/Chicago'],
  [['cst'], 'America/Chicago'], [['cdt'], 'America/Chicago'], [['chicago'], 'America/Chicago'],
  [['mountain'], 'America/Denver'], [['mt'], 'America/Denver'], [['mst'], 'America/Denver'], [['mdt'], 'America/Denver'],
  [['denver'], 'America/Denver'],
  [['pacific'], 'America/Los_Angeles'], [['us', 'pacific'], 'America/Los_Angeles'], [['pt'], 'America/Los_Angeles'],
  [['pst'], 'America/Los_Angeles'], [['pdt'], 'America/Los_Angeles'], [['los', 'angeles'], 'America/Los_Angeles'],
  [['la'], 'America/Los_Angeles'], [['san', 'francisco'], 'America/Los_Angeles'], [['sf'], 'America/Los_Angeles'],
  [['seattle'], 'America/Los_Angeles'],
  [['london'], 'Europe/London'], [['uk'], 'Europe/London'], [['bst'], 'Europe/London'], [['british'], 'Europe/London'],
  [['dublin'], 'Europe/Dublin'], [['ireland'], 'Europe/Dublin'], [['irish'], 'Europe/Dublin'],
  [['cet'], 'Europe/Paris'], [['cest'], 'Europe/Paris'], [['paris'], 'Europe/Paris'], [['france'], 'Europe/Paris'],
  [['central', 'european'], 'Europe/Paris'], [['berlin'], 'Europe/Berlin'], [['germany'], 'Europe/Berlin'],
  [['amsterdam'], 'Europe/Amsterdam'], [['madrid'], 'Europe/Madrid'], [['rome'], 'Europe/Rome'],
  [['stockholm'], 'Europe/Stockholm'], [['zurich'], 'Europe/Zurich'], [['eet'], 'Europe/Helsinki'],
  [['helsinki'], 'Europe/Helsinki'], [['athens'], 'Europe/Athens'], [['istanbul'], 'Europe/Istanbul'],
  [['ist'], 'Asia/Kolkata'], [['india'], 'Asia/Kolkata'], [['indian'], 'Asia/Kolkata'], [['kolkata'], 'Asia/Kolkata'],
  [['mumbai'], 'Asia/Kolkata'], [['bangalore'], 'Asia/Kolkata'], [['delhi'], 'Asia/Kolkata'],
  [['sydney'], 'Australia/Sydney'], [['aest'], 'Australia/Sydney'], [['aedt'], 'Australia/Sydney'],
  [['melbourne'], 'Australia/Melbourne'], [['brisbane'], 'Australia/Brisbane'], [['perth'], 'Australia/Perth'],
  [['jst'], 'Asia/Tokyo'], [['tokyo'], 'Asia/Tokyo'], [['japan'], 'Asia/Tokyo'],
  [['singapore'], 'Asia/Singapore'], [['sgt'], 'Asia/Singapore'], [['hong', 'kong'], 'Asia/Hong_Kong'],
  [['hkt'], 'Asia/Hong_Kong'], [['dubai'], 'Asia/Dubai'], [['shanghai'], 'Asia/Shanghai'], [['beijing'], 'Asia/Shanghai'],
  [['auckland'], 'Pacific/Auckland'], [['nzst'], 'Pacific/Auckland'], [['nzdt'], 'Pacific/Auckland'],
  [['new', 'zealand'], 'Pacific/Auckland'], [['toronto'], 'America/Toronto'], [['vancouver'], 'America/Vancouver'],
  [['sao', 'paulo'], 'America/Sao_Paulo'], [['mexico', 'city'], 'America/Mexico_City'], [['hawaii'], 'Pacific/Honolulu'],
  [['hst'], 'Pacific/Honolulu'], [['alaska'], 'America/Anchorage'], [['akst'], 'America/Anchorage'],
  [['arizona'], 'America/Phoenix'], [['phoenix'], 'America/Phoenix'],
];

/** Two-letter abbreviations that are also ordinary words: only taken when typed in capitals. */
const CASE_SENSITIVE = new Set(['et', 'pt', 'ct', 'mt', 'la', 'ny', 'sf']);

/** Words that may follow a zone word and belong to it ("London time", "eastern standard time"). */
const ZONE_TAIL = [['standard', 'time'], ['daylight', 'time'], ['time', 'zone'], ['timezone'], ['time'], ['tz'], ['zone']];

/**
 * A zone named at `tokens[i]`, with how many tokens it spans, or null. Short abbreviations ("et", "pt", "la")
 * count only in upper case as typed, so "la" in a sentence never becomes Los Angeles.
 */
export function matchZoneWords(tokens: readonly Token[], i: number, text?: string): { zone: string; length: number } | null {
  const first = tokens[i];
  if (!first) return null;
  if (first.kind === 'zone') return { zone: first.zone, length: 1 + tailLength(tokens, i + 1) };
  let best: { zone: string; length: number } | null = null;
  for (const [words, zone] of ZONE_WORDS) {
    if (best && words.length <= best.length) continue;
    const fits = words.every((w, k) => {
      const t = tokens[i + k];
      return t?.kind === 'word' && t.text === w;
    });
    if (!fits) continue;
    if (words.length === 1 && CASE_SENSITIVE.has(words[0] as string) && text !== undefined) {
      const typed = text.slice(first.start, first.end);
      if (typed !== typed.toUpperCase()) continue;
    }
    best = { zone, length: words.length };
  }
  if (!best) return null;
  return { zone: best.zone, length: best.length + tailLength(tokens, i + best.length) };
}

function tailLength(tokens: readonly Token[], i: number): number {
  for (const tail of ZONE_TAIL) {
    if (tail.every((w, k) => {
      const t = tokens[i + k];
      return t?.kind === 'word' && t.text === w;
    })) return tail.length;
  }
  return 0;
}
