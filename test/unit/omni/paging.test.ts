import { describe, expect, it } from '@jest/globals';
import { collectPages, nextCursor, nextStartIndex, type Page } from '../../../src/omni/paging.js';

/** Pages held in memory, keyed by cursor ('' for the first); records every cursor asked for. */
function pagesOf(pages: Record<string, Page<number, string>>) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined) => {
    asked.push(cursor);
    const page = pages[cursor ?? ''];
    if (!page) throw new Error(`no page at ${String(cursor)}`);
    return page;
  };
  return { asked, fetchPage };
}

describe('collectPages', () => {
  it('follows each next until a page has none, in order', async () => {
    const { asked, fetchPage } = pagesOf({
      '': { records: [1, 2], next: 'b' },
      b: { records: [3], next: 'c' },
      c: { records: [4, 5], next: undefined },
    });
    await expect(collectPages(fetchPage)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('stops when a cursor comes back that it already followed', async () => {
    const { asked, fetchPage } = pagesOf({
      '': { records: [1], next: 'b' },
      b: { records: [2], next: 'c' },
      c: { records: [3], next: 'b' },
    });
    await expect(collectPages(fetchPage)).resolves.toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('stops at maxPages even when every page names a new next', async () => {
    const asked: number[] = [];
    const endless = async (cursor: number | undefined) => {
      asked.push(cursor ?? 0);
      return { records: [cursor ?? 0], next: (cursor ?? 0) + 1 };
    };
    await expect(collectPages(endless, { maxPages: 4 })).resolves.toEqual([0, 1, 2, 3]);
    expect(asked).toHaveLength(4);
    await expect(collectPages(endless)).resolves.toHaveLength(100);
  });

  it('returns at most maxRecords, tells the fetcher how many it has, and asks for no page once it has enough', async () => {
    const collectedSeen: number[] = [];
    const fetchPage = async (cursor: number | undefined, collected: number) => {
      collectedSeen.push(collected);
      const from = cursor ?? 0;
      return { records: [from, from + 1, from + 2], next: from + 3 };
    };
    await expect(collectPages(fetchPage, { maxRecords: 7 })).resolves.toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(collectedSeen).toEqual([0, 3, 6]);
    await expect(collectPages(fetchPage, { maxRecords: 0 })).resolves.toEqual([]);
    expect(collectedSeen).toEqual([0, 3, 6]);
  });
});

describe('where the next page starts', () => {
  it('by cursor: only when the page says more follow and names a cursor', () => {
    expect(nextCursor({ hasNextPage: true, nextCursor: 'abc', pageSize: undefined, totalRecords: undefined })).toBe('abc');
    expect(nextCursor({ hasNextPage: false, nextCursor: 'abc', pageSize: undefined, totalRecords: undefined })).toBeUndefined();
    expect(nextCursor({ hasNextPage: true, nextCursor: null, pageSize: undefined, totalRecords: undefined })).toBeUndefined();
    // Omni left hasNextPage out: a cursor is the sign that another page follows.
    expect(nextCursor({ hasNextPage: undefined, nextCursor: 'abc', pageSize: undefined, totalRecords: undefined })).toBe('abc');
  });

  it('by SCIM startIndex: after the records received, until totalResults are in', () => {
    expect(nextStartIndex(1, 100, 250)).toBe(101);
    expect(nextStartIndex(201, 50, 250)).toBeUndefined();
    expect(nextStartIndex(101, 0, 250)).toBeUndefined(); // an empty page ends it whatever the total says
    expect(nextStartIndex(1, 100, undefined)).toBeUndefined(); // no total: one page is all we can trust
  });
});
