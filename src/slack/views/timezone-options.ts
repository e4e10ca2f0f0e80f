/**
 * Options for the time-zone external select: every IANA zone the runtime knows, searchable by city, region,
 * common words ("eastern", "pst") and UTC offset ("+05:30"), labelled with the offset at a given instant.
 */
import type { PlainTextOption } from '@slack/types';
import { DateTime, IANAZone } from 'luxon';
import { truncateForSlack } from '../text.js';

/** Slack's caps: an options response holds ≤100 options; option text ≤75; value ≤150 (older docs: 75). */
export const MAX_OPTIONS = 100;
export const MAX_OPTION_TEXT = 75;
export const MAX_OPTION_VALUE = 150;

/** A plain_text option with Slack's length caps applied (text is shortened with an ellipsis, value is cut). */
export function buildOption(text: string, value: string): PlainTextOption {
  const shown = text.trim().length > 0 ? text : value;
  return {
    text: { type: 'plain_text', text: truncateForSlack(shown, MAX_OPTION_TEXT), emoji: false },
    value: value.slice(0, MAX_OPTION_VALUE),
  };
}

/**
 * ICU (Node 20) still lists some zones under their old names; show the current IANA name instead, so
 * the label matches what users and Omni expect. The old name stays searchable.
 */
const RENAMED_ZONES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Godthab': 'America/Nuuk',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Everyday words people type for a zone (abbreviations, regions, big cities without a zone of their own). */
const ZONE_WORDS: Readonly<Record<string, readonly string[]>> = {
  UTC: ['utc', 'gmt', 'zulu', 'coordinated universal time'],
  'America/New_York': ['eastern', 'est', 'edt', 'et', 'boston', 'washington', 'miami', 'atlanta'],
  'America/Chicago': ['central', 'cst', 'cdt', 'ct', 'dallas', 'houston', 'austin'],
  'America/Denver': ['mountain', 'mst', 'mdt', 'mt'],
  'America/Phoenix': ['arizona'],
  'America/Los_Angeles': ['pacific', 'pst', 'pdt', 'pt', 'san francisco', 'seattle', 'california'],
  'America/Anchorage': ['alaska', 'akst'],
  'Pacific/Honolulu': ['hawaii', 'hst'],
  'America/Sao_Paulo': ['brazil', 'brt'],
  'Europe/London': ['uk', 'britain', 'bst', 'gmt'],
  'Europe/Paris': ['france', 'cet', 'cest'],
  'Europe/Berlin': ['germany', 'cet', 'cest', 'munich'],
  'Europe/Amsterdam': ['netherlands'],
  'Asia/Kolkata': ['india', 'ist', 'mumbai', 'bangalore', 'bengaluru', 'delhi', 'calcutta'],
  'Asia/Tokyo': ['japan', 'jst'],
  'Asia/Shanghai': ['china', 'beijing'],
  'Asia/Singapore': ['sgt'],
  'Asia/Dubai': ['uae', 'gst'],
  'Australia/Sydney': ['aest', 'aedt', 'australia eastern'],
  'Pacific/Auckland': ['new zealand', 'nzst', 'nzdt', 'wellington'],
};

interface ZoneEntry {
  zone: string;
  /** Lowercase, underscores as spaces: the zone name, old names and everyday words. */
  names: string[];
}

let zoneCatalogue: ZoneEntry[] | undefined;

function normaliseSearchText(text: string): string {
  return text.toLowerCase().replace(/[_\s]+/g, ' ').replace(/\u2212/g, '-').trim();
}

/** Every zone once, current names, 'UTC' first. Built lazily and kept: the list does not change at runtime. */
function readZoneCatalogue(): ZoneEntry[] {
  if (zoneCatalogue) return zoneCatalogue;
  const oldNames = new Map<string, string[]>();
  const zones = new Set<string>(['UTC']);
  for (const listed of Intl.supportedValuesOf('timeZone')) {
    const renamed = RENAMED_ZONES[listed];
    const zone = renamed !== undefined && IANAZone.isValidZone(renamed) ? renamed : listed;
    zones.add(zone);
    if (zone !== listed) oldNames.set(zone, [...(oldNames.get(zone) ?? []), listed]);
  }
  zoneCatalogue = [...zones].map((zone) => ({
    zone,
    names: [zone, ...(oldNames.get(zone) ?? []), ...(ZONE_WORDS[zone] ?? [])].map(normaliseSearchText),
  }));
  return zoneCatalogue;
}

/**
 * Offsets of the current minute by zone. Every modal and every zone search labels zones, and luxon's offset lookup
 * is most of a modal's build time; an offset only changes at a transition, and transitions fall on whole minutes.
 * A pure memo, not one of the app's caches (src/cache.ts): its key is the minute of the `now` passed in, not a
 * clock, and it holds one minute of the tz database's few hundred zones at most.
 */
const offsetCache = { minute: Number.NaN, byZone: new Map<string, string | undefined>() };

/** "+05:30" style offset of a zone at an instant (ASCII sign), or undefined for an unknown zone. */
function readOffset(zone: string, now: Date): string | undefined {
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== offsetCache.minute) {
    offsetCache.minute = minute;
    offsetCache.byZone.clear();
  }
  if (offsetCache.byZone.has(zone)) return offsetCache.byZone.get(zone);
  const at = DateTime.fromJSDate(now, { zone });
  const offset = at.isValid ? at.toFormat('ZZ') : undefined;
  offsetCache.byZone.set(zone, offset);
  return offset;
}

/** "Europe/London (UTC+00:00)", with a typographic minus for negative offsets; the bare zone if unknown. */
export function buildTimezoneLabel(zone: string, now: Date): string {
  const offset = readOffset(zone, now);
  if (offset === undefined) return zone;
  return `${zone} (UTC${offset.replace('-', '\u2212')})`;
}

/** Searchable spellings of an offset: "utc+05:30", "+5:30", "utc-5" (whole hours). */
function buildOffsetNames(offset: string): string[] {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (!match) return [];
  const [, sign = '+', hours = '00', minutes = '00'] = match;
  const short = `${sign}${Number(hours)}${minutes === '00' ? '' : `:${minutes}`}`;
  return [`utc${offset}`, `utc${sign}${Number(hours)}:${minutes}`, `utc${short}`];
}

/**
 * How well a zone matches the query: 0 exact (name, city or word), 1 a name or city starts with it,
 * 2 a word starts with it, 3 anywhere else in a name, 4 its UTC offset; undefined when it does not match.
 */
function rankMatch(entry: ZoneEntry, readOffsetNames: () => string[], query: string): number | undefined {
  if (query === '') return 3;
  const cities = entry.names.map((name) => name.slice(name.lastIndexOf('/') + 1));
  if (entry.names.includes(query) || cities.includes(query)) return 0;
  if (entry.names.some((n) => n.startsWith(query)) || cities.some((c) => c.startsWith(query))) return 1;
  if (entry.names.some((n) => n.split(/[ /]/).some((word) => word.startsWith(query)))) return 2;
  if (entry.names.some((n) => n.includes(query))) return 3;
  // Offsets only for queries with a digit ("+05:30", "utc-5"), so "utc" does not match every zone.
  if (!/\d/.test(query)) return undefined;
  const offsetQuery = query.replace(/^(utc|gmt)\s*/, 'utc');
  if (readOffsetNames().some((o) => o.includes(offsetQuery))) return 4;
  return undefined;
}

/**
 * The options an external select shows for what the user typed: preferred zones (the user's, the default) first
 * when they match, then the best matches in alphabetical order, at most 100. Values are zone names.
 */
export function buildTimezoneOptions(
  query: string,
  options: { now: Date; preferred?: string[] },
): PlainTextOption[] {
  const wanted = normaliseSearchText(query);
  const catalogue = readZoneCatalogue();
  const byZone = new Map(catalogue.map((entry) => [entry.zone, entry]));

  const preferred: string[] = [];
  for (const zone of options.preferred ?? []) {
    if (zone === '' || preferred.includes(zone) || !IANAZone.isValidZone(zone)) continue;
    preferred.push(zone);
  }

  const scored: Array<{ zone: string; rank: number; order: number }> = [];
  const seen = new Set<string>();
  const consider = (zone: string, entry: ZoneEntry, order: number): void => {
    if (seen.has(zone)) return;
    seen.add(zone);
    const readOffsetNames = (): string[] => {
      const offset = readOffset(zone, options.now);
      return offset === undefined ? [] : buildOffsetNames(offset);
    };
    const rank = rankMatch(entry, readOffsetNames, wanted);
    if (rank !== undefined) scored.push({ zone, rank, order });
  };

  preferred.forEach((zone, i) => {
    // A preferred zone the runtime lists under another spelling (e.g. a Slack tz) is still offered as given.
    consider(zone, byZone.get(zone) ?? { zone, names: [normaliseSearchText(zone)] }, i - preferred.length);
  });
  catalogue.forEach((entry, i) => consider(entry.zone, entry, i));

  scored.sort((a, b) => {
    const aPreferred = a.order < 0;
    const bPreferred = b.order < 0;
    if (aPreferred !== bPreferred) return aPreferred ? -1 : 1;
    if (a.rank !== b.rank && !aPreferred) return a.rank - b.rank;
    return a.order - b.order;
  });

  return scored.slice(0, MAX_OPTIONS).map(({ zone }) => buildOption(buildTimezoneLabel(zone, options.now), zone));
}
