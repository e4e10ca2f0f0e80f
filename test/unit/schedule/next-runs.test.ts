import { describe, expect, it } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';
import { isRoutineBotError } from '../../../src/errors.js';
import { formatOmniCron, readOmniCron } from '../../../src/schedule/cron.js';
import {
  compileCron,
  computeNextRuns,
  InvalidTimeZoneError,
  lastWeekdayOf,
  nearestWeekdayOf,
  readZoneOffsets,
  shortestIntervalMinutes,
  weekdayOf,
} from '../../../src/schedule/next-runs.js';
import type { CronField, OmniCron } from '../../../src/schedule/types.js';

function read(expr: string): OmniCron {
  const result = readOmniCron(expr);
  if (!result.ok) throw new Error(`${expr}: ${result.error}`);
  return result.cron;
}

/** ISO strings with the zone's offset, as the CLI prints them. */
function runs(expr: string, zone: string, from: string, count = 3): string[] {
  return computeNextRuns(read(expr), zone, new Date(from), count).map((d) => d.toISO() ?? '');
}

describe('calendar helpers', () => {
  it('numbers weekdays 1 = Sunday … 7 = Saturday', () => {
    expect(weekdayOf(2026, 1, 1)).toBe(5); // Thursday
    expect(weekdayOf(1970, 1, 1)).toBe(5);
    expect(weekdayOf(2026, 3, 8)).toBe(1); // Sunday
    expect(weekdayOf(2026, 8, 1)).toBe(7); // Saturday
    expect(weekdayOf(1969, 12, 31)).toBe(4); // before the epoch
  });

  it('finds the nearest weekday without leaving the month', () => {
    expect(nearestWeekdayOf(2026, 8, 1)).toBe(3); // Saturday 1st → Monday 3rd
    expect(nearestWeekdayOf(2026, 2, 1)).toBe(2); // Sunday 1st → Monday 2nd
    expect(nearestWeekdayOf(2026, 8, 15)).toBe(14); // Saturday → Friday
    expect(nearestWeekdayOf(2026, 3, 15)).toBe(16); // Sunday → Monday
    expect(nearestWeekdayOf(2026, 5, 31)).toBe(29); // Sunday 31st → Friday 29th
    expect(nearestWeekdayOf(2026, 1, 15)).toBe(15); // Thursday stays
    expect(nearestWeekdayOf(2026, 4, 31)).toBeUndefined(); // April has no 31st
  });

  it('finds the last weekday of the month', () => {
    expect(lastWeekdayOf(2026, 1)).toBe(30); // 31st is a Saturday
    expect(lastWeekdayOf(2026, 5)).toBe(29); // 31st is a Sunday
    expect(lastWeekdayOf(2026, 3)).toBe(31); // Tuesday
  });
});

describe('computeNextRuns in UTC: the specials', () => {
  const from = '2026-01-01T00:00:00Z';
  it.each([
    ['0 9 ? * * *', ['2026-01-01T09:00:00.000Z', '2026-01-02T09:00:00.000Z', '2026-01-03T09:00:00.000Z']],
    ['0 9 L * ? *', ['2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z', '2026-03-31T09:00:00.000Z']],
    ['0 9 LW * ? *', ['2026-01-30T09:00:00.000Z', '2026-02-27T09:00:00.000Z', '2026-03-31T09:00:00.000Z']],
    ['0 9 15W * ? *', ['2026-01-15T09:00:00.000Z', '2026-02-16T09:00:00.000Z', '2026-03-16T09:00:00.000Z']],
    ['0 9 1W 7-9 ? *', ['2026-07-01T09:00:00.000Z', '2026-08-03T09:00:00.000Z', '2026-09-01T09:00:00.000Z']],
    ['0 9 31W * ? *', ['2026-01-30T09:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-05-29T09:00:00.000Z']],
    ['0 9 ? * MON#1 *', ['2026-01-05T09:00:00.000Z', '2026-02-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z']],
    ['0 9 ? * 2#1 *', ['2026-01-05T09:00:00.000Z', '2026-02-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z']],
    ['0 9 ? * FRI#5 *', ['2026-01-30T09:00:00.000Z', '2026-05-29T09:00:00.000Z', '2026-07-31T09:00:00.000Z']],
    ['0 9 ? * FRIL *', ['2026-01-30T09:00:00.000Z', '2026-02-27T09:00:00.000Z', '2026-03-27T09:00:00.000Z']],
    ['0 9 ? * 1L *', ['2026-01-25T09:00:00.000Z', '2026-02-22T09:00:00.000Z', '2026-03-29T09:00:00.000Z']],
    ['0 9 29 2 ? *', ['2028-02-29T09:00:00.000Z', '2032-02-29T09:00:00.000Z', '2036-02-29T09:00:00.000Z']],
    ['0 9 ? 2 FRI#5 *', ['2036-02-29T09:00:00.000Z', '2064-02-29T09:00:00.000Z']],
    ['0 9 31 * ? *', ['2026-01-31T09:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-05-31T09:00:00.000Z']],
    ['0 9 1 1/3 ? *', ['2026-01-01T09:00:00.000Z', '2026-04-01T09:00:00.000Z', '2026-07-01T09:00:00.000Z']],
    ['0 9 ? * SAT,SUN *', ['2026-01-03T09:00:00.000Z', '2026-01-04T09:00:00.000Z', '2026-01-10T09:00:00.000Z']],
    ['0/15 * ? * * *', ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z']],
    ['0 9-17/4 ? * MON-FRI *', ['2026-01-01T09:00:00.000Z', '2026-01-01T13:00:00.000Z', '2026-01-01T17:00:00.000Z']],
    ['59 23 L 12 ? *', ['2026-12-31T23:59:00.000Z', '2027-12-31T23:59:00.000Z', '2028-12-31T23:59:00.000Z']],
  ])('%s', (expr, expected) => {
    const count = expected.length === 2 ? 2 : 3;
    expect(runs(expr, 'UTC', from, count)).toEqual(expected);
  });

  it('honours the year field and returns fewer runs when the years run out', () => {
    expect(runs('0 9 1 1 ? 2027,2029', 'UTC', from)).toEqual([
      '2027-01-01T09:00:00.000Z',
      '2029-01-01T09:00:00.000Z',
    ]);
    expect(runs('0 0 1 1 ? 2099', 'UTC', from)).toEqual(['2099-01-01T00:00:00.000Z']);
    expect(runs('0 9 L 12 ? 2026-2030/2', 'UTC', from)).toEqual([
      '2026-12-31T09:00:00.000Z',
      '2028-12-31T09:00:00.000Z',
      '2030-12-31T09:00:00.000Z',
    ]);
    expect(runs('0 9 ? * * 2027', 'UTC', '2027-12-31T08:00:00Z')).toEqual(['2027-12-31T09:00:00.000Z']);
    expect(runs('0 9 ? * * 2199', 'UTC', '2199-12-31T08:00:00Z', 5)).toEqual(['2199-12-31T09:00:00.000Z']);
  });

  it('returns nothing for crons that never fire, without searching forever', () => {
    expect(runs('0 9 30 2 ? *', 'UTC', from)).toEqual([]);
    expect(runs('0 9 31 4,6,9,11 ? *', 'UTC', from)).toEqual([]);
    expect(runs('0 9 1 1 ? 2020', 'UTC', from)).toEqual([]);
    expect(runs('0 9 ? 2 FRI#5 2026-2030', 'UTC', from)).toEqual([]);
  });

  it('counts strictly after `from`', () => {
    expect(runs('0 9 ? * * *', 'UTC', '2026-01-01T09:00:00Z', 1)).toEqual(['2026-01-02T09:00:00.000Z']);
    expect(runs('0 9 ? * * *', 'UTC', '2026-01-01T08:59:59.999Z', 1)).toEqual(['2026-01-01T09:00:00.000Z']);
    expect(runs('* * ? * * *', 'UTC', '2026-01-01T09:00:30Z', 2)).toEqual([
      '2026-01-01T09:01:00.000Z',
      '2026-01-01T09:02:00.000Z',
    ]);
  });

  it('returns an empty list for a count of 0 and DateTimes in the requested zone', () => {
    expect(runs('0 9 ? * * *', 'UTC', from, 0)).toEqual([]);
    const [first] = computeNextRuns(read('0 9 ? * * *'), 'Asia/Kolkata', new Date(from), 1);
    expect(first?.zoneName).toBe('Asia/Kolkata');
    expect(first?.toISO()).toBe('2026-01-01T09:00:00.000+05:30');
  });

  it('throws a RoutineBotError for a zone that is not IANA', () => {
    const call = (): unknown => computeNextRuns(read('0 9 ? * * *'), 'Mars/Olympus', new Date(from), 3);
    expect(call).toThrow(InvalidTimeZoneError);
    try {
      call();
    } catch (err) {
      expect(isRoutineBotError(err)).toBe(true);
      expect((err as InvalidTimeZoneError).code).toBe('routine_bot_invalid_timezone');
      expect((err as Error).message).toContain('Mars/Olympus');
    }
    expect(() => computeNextRuns(read('0 9 ? * * *'), 'EST5EDT-nonsense', new Date(from), 3)).toThrow(
      InvalidTimeZoneError,
    );
  });
});

describe('computeNextRuns across DST (policy: gap → same offset after it; overlap → first occurrence, once)', () => {
  describe('America/New_York', () => {
    const zone = 'America/New_York';
    it('2026-03-08 spring forward: 2:30 AM does not exist and runs at 3:30 AM EDT', () => {
      expect(runs('30 2 ? * * *', zone, '2026-03-07T05:00:00Z')).toEqual([
        '2026-03-07T02:30:00.000-05:00',
        '2026-03-08T03:30:00.000-04:00',
        '2026-03-09T02:30:00.000-04:00',
      ]);
    });
    it('2026-03-08: fixed times outside the gap keep their wall time', () => {
      expect(runs('0 9 ? * * *', zone, '2026-03-07T00:00:00Z')).toEqual([
        '2026-03-07T09:00:00.000-05:00',
        '2026-03-08T09:00:00.000-04:00',
        '2026-03-09T09:00:00.000-04:00',
      ]);
      expect(runs('30 1 ? * * *', zone, '2026-03-07T12:00:00Z', 2)).toEqual([
        '2026-03-08T01:30:00.000-05:00',
        '2026-03-09T01:30:00.000-04:00',
      ]);
    });
    it('2026-03-08 hourly: 2:00 AM lands on 3:00 AM, which runs once', () => {
      expect(runs('0 * ? * * *', zone, '2026-03-08T05:30:00Z', 4)).toEqual([
        '2026-03-08T01:00:00.000-05:00',
        '2026-03-08T03:00:00.000-04:00',
        '2026-03-08T04:00:00.000-04:00',
        '2026-03-08T05:00:00.000-04:00',
      ]);
    });
    it('2026-03-08 every 2 hours: 2:00 AM runs at 3:00 AM EDT', () => {
      expect(runs('0 0/2 ? * * *', zone, '2026-03-08T05:00:00Z')).toEqual([
        '2026-03-08T03:00:00.000-04:00',
        '2026-03-08T04:00:00.000-04:00',
        '2026-03-08T06:00:00.000-04:00',
      ]);
    });
    it('2026-11-01 fall back: 1:30 AM happens twice and runs once, the first time (EDT)', () => {
      expect(runs('30 1 ? * * *', zone, '2026-10-31T16:00:00Z')).toEqual([
        '2026-11-01T01:30:00.000-04:00',
        '2026-11-02T01:30:00.000-05:00',
        '2026-11-03T01:30:00.000-05:00',
      ]);
    });
    it('2026-11-01 hourly: 1:00 AM runs once, then 2:00 AM EST (two real hours later)', () => {
      expect(runs('0 * ? * * *', zone, '2026-11-01T04:30:00Z')).toEqual([
        '2026-11-01T01:00:00.000-04:00',
        '2026-11-01T02:00:00.000-05:00',
        '2026-11-01T03:00:00.000-05:00',
      ]);
    });
    it('2026-11-01 every 2 hours from 1 AM (1/2): 1:00 AM once', () => {
      expect(runs('0 1/2 ? * * *', zone, '2026-11-01T04:00:00Z')).toEqual([
        '2026-11-01T01:00:00.000-04:00',
        '2026-11-01T03:00:00.000-05:00',
        '2026-11-01T05:00:00.000-05:00',
      ]);
    });
    it('2026-11-01: from inside the repeated hour (after the first 1:30), the next run is the next day', () => {
      // 06:15Z is 1:15 AM EST, the second pass; the first 1:30 (05:30Z) is already past.
      expect(runs('30 1 ? * * *', zone, '2026-11-01T06:15:00Z', 1)).toEqual(['2026-11-02T01:30:00.000-05:00']);
    });
    it('2025-03-09 and 2025-11-02', () => {
      expect(runs('30 2 ? * * *', zone, '2025-03-09T00:00:00Z', 2)).toEqual([
        '2025-03-09T03:30:00.000-04:00',
        '2025-03-10T02:30:00.000-04:00',
      ]);
      expect(runs('30 1 ? * * *', zone, '2025-11-02T00:00:00Z', 2)).toEqual([
        '2025-11-02T01:30:00.000-04:00',
        '2025-11-03T01:30:00.000-05:00',
      ]);
      expect(runs('0 2 ? * SUN *', zone, '2025-03-01T00:00:00Z', 2)).toEqual([
        '2025-03-02T02:00:00.000-05:00',
        '2025-03-09T03:00:00.000-04:00',
      ]);
    });
  });

  describe('Europe/London', () => {
    const zone = 'Europe/London';
    it('2026-03-29: 1:30 AM does not exist and runs at 2:30 AM BST', () => {
      expect(runs('30 1 ? * * *', zone, '2026-03-28T12:00:00Z')).toEqual([
        '2026-03-29T02:30:00.000+01:00',
        '2026-03-30T01:30:00.000+01:00',
        '2026-03-31T01:30:00.000+01:00',
      ]);
    });
    it('2026-10-25: 1:30 AM runs once, at BST', () => {
      expect(runs('30 1 ? * * *', zone, '2026-10-24T12:00:00Z', 2)).toEqual([
        '2026-10-25T01:30:00.000+01:00',
        '2026-10-26T01:30:00.000+00:00',
      ]);
    });
    it('2026-10-25 hourly keeps both 1:00 AM BST and 2:00 AM GMT, not the second 1:00 AM', () => {
      expect(runs('0 * ? * * *', zone, '2026-10-24T23:30:00Z')).toEqual([
        '2026-10-25T01:00:00.000+01:00',
        '2026-10-25T02:00:00.000+00:00',
        '2026-10-25T03:00:00.000+00:00',
      ]);
    });
    it('2025-03-30 and 2025-10-26', () => {
      expect(runs('0 1 ? * SUN *', zone, '2025-03-29T00:00:00Z', 1)).toEqual(['2025-03-30T02:00:00.000+01:00']);
      expect(runs('0 1 ? * SUN *', zone, '2025-10-25T00:00:00Z', 2)).toEqual([
        '2025-10-26T01:00:00.000+01:00',
        '2025-11-02T01:00:00.000+00:00',
      ]);
      expect(runs('0 9 ? * * *', zone, '2025-10-25T12:00:00Z', 2)).toEqual([
        '2025-10-26T09:00:00.000+00:00',
        '2025-10-27T09:00:00.000+00:00',
      ]);
    });
  });

  describe('Australia/Sydney', () => {
    const zone = 'Australia/Sydney';
    it('2026-04-05 (DST ends at 3 AM → 2 AM): 2:30 AM runs once, at +11:00', () => {
      expect(runs('30 2 ? * * *', zone, '2026-04-04T00:00:00Z', 2)).toEqual([
        '2026-04-05T02:30:00.000+11:00',
        '2026-04-06T02:30:00.000+10:00',
      ]);
    });
    it('2026-10-04 (DST starts at 2 AM → 3 AM): 2:30 AM runs at 3:30 AM', () => {
      expect(runs('30 2 ? * * *', zone, '2026-10-03T00:00:00Z', 2)).toEqual([
        '2026-10-04T03:30:00.000+11:00',
        '2026-10-05T02:30:00.000+11:00',
      ]);
    });
    it('2026-10-04 every 2 hours: 2:00 AM runs at 3:00 AM', () => {
      expect(runs('0 0/2 ? * * *', zone, '2026-10-03T14:30:00Z')).toEqual([
        '2026-10-04T03:00:00.000+11:00',
        '2026-10-04T04:00:00.000+11:00',
        '2026-10-04T06:00:00.000+11:00',
      ]);
    });
    it('2025-04-06 and 2025-10-05, and 9 AM either side', () => {
      expect(runs('30 2 ? * * *', zone, '2025-04-05T00:00:00Z', 1)).toEqual(['2025-04-06T02:30:00.000+11:00']);
      expect(runs('30 2 ? * * *', zone, '2025-10-04T00:00:00Z', 1)).toEqual(['2025-10-05T03:30:00.000+11:00']);
      expect(runs('0 9 ? * * *', zone, '2025-04-05T00:00:00Z', 2)).toEqual([
        '2025-04-06T09:00:00.000+10:00',
        '2025-04-07T09:00:00.000+10:00',
      ]);
    });
  });

  describe('Australia/Lord_Howe (30-minute DST)', () => {
    const zone = 'Australia/Lord_Howe';
    it('2026-10-04: 2:15 AM does not exist and runs 30 minutes later, at 2:45 AM', () => {
      expect(runs('15 2 ? * * *', zone, '2026-10-03T00:00:00Z', 2)).toEqual([
        '2026-10-04T02:45:00.000+11:00',
        '2026-10-05T02:15:00.000+11:00',
      ]);
    });
    it('2026-10-04 every 30 minutes: 2:00 AM lands on 2:30 AM, which runs once', () => {
      expect(runs('0/30 * ? * * *', zone, '2026-10-03T14:15:00Z', 4)).toEqual([
        '2026-10-04T01:00:00.000+10:30',
        '2026-10-04T01:30:00.000+10:30',
        '2026-10-04T02:30:00.000+11:00',
        '2026-10-04T03:00:00.000+11:00',
      ]);
    });
    it('2026-04-05 (2 AM → 1:30 AM): 1:45 AM runs once, at +11:00', () => {
      expect(runs('45 1 ? * * *', zone, '2026-04-04T00:00:00Z', 2)).toEqual([
        '2026-04-05T01:45:00.000+11:00',
        '2026-04-06T01:45:00.000+10:30',
      ]);
    });
    it('2026-04-05 every 30 minutes: the repeated 1:30 AM runs once', () => {
      expect(runs('0/30 * ? * * *', zone, '2026-04-04T13:45:00Z', 4)).toEqual([
        '2026-04-05T01:00:00.000+11:00',
        '2026-04-05T01:30:00.000+11:00',
        '2026-04-05T02:00:00.000+10:30',
        '2026-04-05T02:30:00.000+10:30',
      ]);
    });
    it('daily 9 AM across 2025-04-06 and 2025-10-05 (where cron-parser loops)', () => {
      expect(runs('0 9 ? * * *', zone, '2025-04-05T00:00:00Z', 2)).toEqual([
        '2025-04-06T09:00:00.000+10:30',
        '2025-04-07T09:00:00.000+10:30',
      ]);
      expect(runs('0 9 ? * * *', zone, '2025-10-04T00:00:00Z', 2)).toEqual([
        '2025-10-05T09:00:00.000+11:00',
        '2025-10-06T09:00:00.000+11:00',
      ]);
    });
  });

  describe('Asia/Kolkata (no DST, +05:30)', () => {
    it('keeps +05:30 all year', () => {
      expect(runs('30 2 ? * * *', 'Asia/Kolkata', '2026-03-07T00:00:00Z')).toEqual([
        '2026-03-08T02:30:00.000+05:30',
        '2026-03-09T02:30:00.000+05:30',
        '2026-03-10T02:30:00.000+05:30',
      ]);
      expect(runs('0 9 ? * MON-FRI *', 'Asia/Kolkata', '2026-10-30T12:00:00Z')).toEqual([
        '2026-11-02T09:00:00.000+05:30',
        '2026-11-03T09:00:00.000+05:30',
        '2026-11-04T09:00:00.000+05:30',
      ]);
    });
  });

  it('never repeats an instant and always increases, through a year of transitions', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Australia/Sydney']) {
      for (const expr of ['0/15 * ? * SUN *', '0/30 0-4 ? * * *', '0 * ? * SUN *']) {
        const all = computeNextRuns(read(expr), zone, new Date('2026-01-01T00:00:00Z'), 1200).map((d) =>
          d.toMillis(),
        );
        for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1] ?? Infinity);
      }
    }
  });
});

describe('computeNextRuns matches a minute-by-minute reference of the DST policy around real clock changes', () => {
  /**
   * Independent of the evaluator: walk every UTC minute, read the wall clock there, and keep the first instant at
   * which each matching wall time shows. Matching wall times that never show (a gap) run at the offset in force
   * just before the gap. Sorted and de-duplicated, that is the policy stated in next-runs.ts.
   */
  function referenceRuns(cron: OmniCron, zone: string, fromMs: number, toMs: number): number[] {
    const offsets = readZoneOffsets(zone);
    const compiled = compileCron(cron);
    const times = new Set(compiled.times);
    const matches = (local: Date): boolean =>
      compiled.months.has(local.getUTCMonth() + 1) &&
      compiled.matchDay(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate()) &&
      times.has(local.getUTCHours() * 60 + local.getUTCMinutes());
    const seen = new Map<number, number>();
    let previousOffset = offsets(fromMs - MINUTE);
    const gapShift = new Map<number, number>(); // wall minute inside a gap → offset before it
    for (let u = fromMs; u < toMs; u += MINUTE) {
      const offset = offsets(u);
      if (offset > previousOffset) {
        // Wall minutes skipped: [u + previous, u + offset)
        for (let w = u + previousOffset * MINUTE; w < u + offset * MINUTE; w += MINUTE) gapShift.set(w, previousOffset);
      }
      previousOffset = offset;
      const wall = u + offset * MINUTE;
      if (!seen.has(wall)) seen.set(wall, u);
    }
    const out = new Set<number>();
    for (const [wall, instant] of seen) if (matches(new Date(wall))) out.add(instant);
    for (const [wall, before] of gapShift) if (matches(new Date(wall))) out.add(wall - before * MINUTE);
    return [...out].filter((t) => t > fromMs && t < toMs).sort((a, b) => a - b);
  }
  const MINUTE = 60_000;

  const zones = [
    'America/New_York',
    'Europe/London',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'America/Santiago', // changes at midnight
    'America/Havana', // changes at midnight
    'Asia/Kolkata',
  ];
  const crons = ['0,30 * ? * * *', '0 0/2 ? * * *', '30 2 ? * * *', '0 0 ? * * *', '45 1,2,3 ? * * *', '15 0-3 ? * SUN *'];

  it.each(zones)('%s, 2026', (zone) => {
    const offsets = readZoneOffsets(zone);
    const changes = [];
    // Find the zone's 2026 changes (daily samples are enough for a test).
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      if (offsets(t) !== offsets(t + 86_400_000)) changes.push(t);
    }
    if (zone === 'Asia/Kolkata') expect(changes).toEqual([]);
    else expect(changes.length).toBeGreaterThanOrEqual(2);
    const windows = changes.length > 0 ? changes : [Date.UTC(2026, 5, 1)];
    for (const dayBefore of windows) {
      const fromMs = dayBefore - 86_400_000;
      const toMs = dayBefore + 3 * 86_400_000;
      for (const expr of crons) {
        const cron = read(expr);
        const expected = referenceRuns(cron, zone, fromMs, toMs);
        const actual = computeNextRuns(cron, zone, new Date(fromMs), expected.length + 5)
          .map((d) => d.toMillis())
          .filter((t) => t < toMs);
        expect({ zone, expr, runs: actual.map((t) => new Date(t).toISOString()) }).toEqual({
          zone,
          expr,
          runs: expected.map((t) => new Date(t).toISOString()),
        });
      }
    }
  });
});

describe('computeNextRuns agrees with cron-parser away from DST', () => {
  // A small deterministic PRNG so failures are reproducible.
  function buildRandom(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const random = buildRandom(20260307);
  const pick = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const someOf = (lo: number, hi: number, max: number): number[] => {
    const n = pick(1, max);
    return [...new Set(Array.from({ length: n }, () => pick(lo, hi)))].sort((a, b) => a - b);
  };
  const list = (values: number[]): CronField => ({ kind: 'list', values });

  function generate(): OmniCron {
    const minuteKind = pick(0, 2);
    const minute =
      minuteKind === 0 ? list([pick(0, 59)]) : minuteKind === 1 ? list(someOf(0, 59, 3)) : list([0, 15, 30, 45]);
    // Hours from 4 AM on: no zone below changes its clocks after 3 AM.
    const hourKind = pick(0, 2);
    const hour =
      hourKind === 0 ? list([pick(4, 23)]) : hourKind === 1 ? list(someOf(4, 23, 4)) : list([9, 11, 13, 15, 17]);
    let dayOfMonth: CronField = { kind: 'none' };
    let dayOfWeek: CronField = { kind: 'any' };
    switch (pick(0, 5)) {
      case 0:
        break;
      case 1:
        dayOfMonth = list(someOf(1, 31, 3));
        dayOfWeek = { kind: 'none' };
        break;
      case 2:
        dayOfMonth = { kind: 'last' };
        dayOfWeek = { kind: 'none' };
        break;
      case 3:
        dayOfWeek = list(someOf(1, 7, 4));
        break;
      case 4:
        dayOfWeek = { kind: 'nthWeekday', weekday: pick(1, 7), nth: pick(1, 5) };
        break;
      default:
        dayOfWeek = { kind: 'lastOfWeekday', weekday: pick(1, 7) };
    }
    const month: CronField = pick(0, 2) === 0 ? list(someOf(1, 12, 4)) : { kind: 'any' };
    return { minute, hour, dayOfMonth, month, dayOfWeek, year: { kind: 'any' }, source: '' };
  }

  /** docs/schedules.md §2.4: five fields, Sunday 0, explicit lists. */
  function toCronParser(cron: OmniCron): string {
    const values = (f: CronField): string => (f.kind === 'list' ? f.values.join(',') : '*');
    let dom = '*';
    if (cron.dayOfMonth.kind === 'list') dom = cron.dayOfMonth.values.join(',');
    if (cron.dayOfMonth.kind === 'last') dom = 'L';
    let dow = '*';
    const d = cron.dayOfWeek;
    if (d.kind === 'list') dow = d.values.map((v) => v - 1).join(',');
    if (d.kind === 'nthWeekday') dow = `${d.weekday - 1}#${d.nth}`;
    if (d.kind === 'lastOfWeekday') dow = `${d.weekday - 1}L`;
    return [values(cron.minute), values(cron.hour), dom, values(cron.month), dow].join(' ');
  }

  const zones = [
    'UTC',
    'America/New_York',
    'America/Los_Angeles',
    'Europe/London',
    'Asia/Kolkata',
    'Asia/Tokyo',
    'Australia/Sydney',
  ];
  const cases = Array.from({ length: 300 }, (_, i) => {
    const cron = generate();
    // Read back through the canonical string so the reader is in the loop too.
    const text = formatOmniCron(cron);
    const zone = zones[i % zones.length] ?? 'UTC';
    const from = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 3 * 365) * 86_400_000 + pick(0, 86_399) * 1000);
    return { text, cron, zone, from };
  });

  it('on 300 generated crons (5 runs each)', () => {
    let compared = 0;
    for (const { text, cron, zone, from } of cases) {
      const read = readOmniCron(text, { strict: true });
      expect(read.ok).toBe(true);
      if (!read.ok) continue;
      const ours = computeNextRuns(read.cron, zone, from, 5).map((d) => d.toUTC().toISO());
      const theirs = CronExpressionParser.parse(toCronParser(cron), { tz: zone, currentDate: from })
        .take(5)
        .map((d) => d.toISOString());
      expect({ text, zone, from: from.toISOString(), runs: ours }).toEqual({
        text,
        zone,
        from: from.toISOString(),
        runs: theirs,
      });
      compared++;
    }
    expect(compared).toBe(300);
  });
});

describe('shortestIntervalMinutes', () => {
  it.each([
    ['0/15 * ? * * *', 15],
    ['0/5 8-17 ? * MON-FRI *', 5],
    ['0 * ? * * *', 60],
    ['30 * ? * * *', 60],
    ['0 0/2 ? * * *', 120],
    ['0 9-17/2 ? * MON-FRI *', 120],
    ['0 9,17 ? * * *', 480],
    ['0 9 ? * * *', 1440],
    ['0 9 ? * MON-FRI *', 1440],
    ['0 9 ? * MON *', 10080],
    ['0 9 ? * MON,WED *', 2880],
    ['0 9 ? * SAT,SUN *', 1440],
    ['0 23 ? * SUN,MON *', 1440],
    ['45 23 ? * * *', 1440],
    ['0,30 9 ? * * *', 30],
    ['50 9,10 ? * * *', 60],
    ['0,50 9 ? * * *', 50],
    ['0 0,23 ? * * *', 60],
    ['0 9 1,2 * ? *', 1440],
    ['0 9 L * ? *', 28 * 1440],
    ['0 9 1 1 ? *', 365 * 1440],
    ['* * ? * * *', 1],
  ])('%s → %d', (expr, minutes) => {
    expect(shortestIntervalMinutes(read(expr))).toBe(minutes);
  });

  it('is Infinity for a cron that never fires', () => {
    expect(shortestIntervalMinutes(read('0 9 30 2 ? *'))).toBe(Number.POSITIVE_INFINITY);
  });
});
