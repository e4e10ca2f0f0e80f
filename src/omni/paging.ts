/**
 * The one paging loop of the Omni client. Omni pages two ways: routines and models by cursor (`pageInfo`), SCIM
 * groups by `startIndex`; each endpoint says how to fetch a page and where the next one starts, and this loop
 * follows them with the same safeguards for all: a bound on pages and records, and a stop when a cursor repeats
 * (an instance that hands back the same cursor would otherwise be read for ever).
 */
import { hasMorePages, type PageInfo } from './schemas.js';

export interface Page<T, C> {
  records: readonly T[];
  /** Where the next page starts; undefined after the last page. */
  next: C | undefined;
}

export interface PagingLimits {
  /** Stop once this many records are collected, and return no more (default: no bound). */
  maxRecords?: number;
  /** Stop after this many pages (default 100). */
  maxPages?: number;
}

const DEFAULT_MAX_PAGES = 100;

/**
 * Fetches pages from the first (`cursor` undefined) until one has no next, a cursor repeats, or a limit is
 * reached. `collected` tells the fetcher how many records came before, e.g. to ask only for what is missing.
 */
export async function collectPages<T, C>(
  fetchPage: (cursor: C | undefined, collected: number) => Promise<Page<T, C>>,
  limits: PagingLimits = {},
): Promise<T[]> {
  const maxRecords = limits.maxRecords ?? Infinity;
  const maxPages = limits.maxPages ?? DEFAULT_MAX_PAGES;
  const all: T[] = [];
  const seen = new Set<C>();
  let cursor: C | undefined;
  for (let page = 0; page < maxPages && all.length < maxRecords; page += 1) {
    const { records, next } = await fetchPage(cursor, all.length);
    all.push(...records);
    if (next === undefined || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return all.length > maxRecords ? all.slice(0, maxRecords) : all;
}

/** The cursor of the next page of a cursor-paged list, if the page says one follows. */
export function nextCursor(info: PageInfo): string | undefined {
  return hasMorePages(info) && info.nextCursor ? info.nextCursor : undefined;
}

/**
 * The `startIndex` (1-based) of the next SCIM page, given this page's: none after an empty page or once
 * `totalResults` are in (a server that leaves it out ends the listing).
 */
export function nextStartIndex(startIndex: number, received: number, totalResults: number | undefined): number | undefined {
  const end = startIndex - 1 + received;
  return received === 0 || end >= (totalResults ?? end) ? undefined : end + 1;
}
