/**
 * Joined schedules never narrow: for two schedules A and B that each name their days and their time, "A and B"
 * is either refused or runs exactly at the union of A's and B's runs. Checked over every ordered pair of a pool
 * of plain schedules and several ways of joining them, by comparing next runs (not crons).
 */
import { describe, expect, it } from '@jest/globals';
import { readOmniCron } from '../../../src/schedule/cron.js';
import { interpretSchedule } from '../../../src/schedule/interpret.js';
import { computeNextRuns } from '../../../src/schedule/next-runs.js';
import type { OmniCron } from '../../../src/schedule/types.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const OPTIONS = { timezone: 'UTC', now: NOW, minIntervalMinutes: 60 };
const RUNS = 40;

const POOL = [
  'every day at 8am',
  'every monday at 9am',
  'every tuesday at 10am',
  'every thursday at 10am',
  'weekdays at 9',
  'weekends at 11am',
  'every friday at 5pm',
  'every hour on mondays',
  'every 2 hours on saturdays',
  'every hour from 9 to 11 on weekdays',
  'on the 1st at 9am',
  'on the 15th at 9am',
  'on the 15th at 5pm',
  'the last day of the month at 6pm',
  'first monday of the month at 8:30',
  'every day in july at 9am',
  'every jan 1st',
  'every jul 1st',
  'every monday at 9 eastern',
  'every wednesday at 9:30am',
  'every wednesday at 4:30pm',
  'every sunday evening',
  'quarterly',
  'at noon on the 1st and 15th',
  'every weekday at 9am and 5pm',
  'every monday in march at 9',
  'every saturday at 9am pacific',
  'every evening at 6',
  'every night at 10',
  'mornings at 7',
];

const JOINS = [' and ', ', and ', ', ', '; ', ' and also ', ' plus '];

function runsOf(cron: string, zone: string): number[] {
  const read = readOmniCron(cron, { strict: true });
  if (!read.ok) throw new Error(read.error);
  return computeNextRuns(read.cron as OmniCron, zone, NOW, RUNS).map((d) => d.toMillis());
}

const single = new Map(POOL.map((p) => [p, interpretSchedule(p, OPTIONS)]));

describe('joined schedules', () => {
  it('reads every schedule of the pool on its own', () => {
    for (const [phrase, r] of single) expect(r.ok ? 'ok' : `${phrase}: ${r.error.code}`).toBe('ok');
  });

  const cases = POOL.flatMap((a) => POOL.filter((b) => b !== a).map((b, k) => [a, b, JOINS[k % JOINS.length] as string] as const));

  it.each(cases)('%j + %j (joined with %j): refused, or exactly the union of the runs', (a, b, join) => {
    const ra = single.get(a);
    const rb = single.get(b);
    if (!ra?.ok || !rb?.ok) throw new Error('pool phrase refused');
    const joined = interpretSchedule(`${a}${join}${b}`, OPTIONS);
    if (!joined.ok) {
      // a refusal must say why; joined schedules that can't be one cron are needs_multiple_schedules
      expect(['needs_multiple_schedules', 'ambiguous', 'too_frequent']).toContain(joined.error.code);
      return;
    }
    // a zone named in one part is the zone of every part (the other part names none)
    expect([ra.timezone, rb.timezone]).toContain(joined.timezone);
    const zone = joined.timezone;
    const union = [...new Set([...runsOf(ra.cron, zone), ...runsOf(rb.cron, zone)])].sort((x, y) => x - y).slice(0, RUNS);
    expect(runsOf(joined.cron, joined.timezone)).toEqual(union);
  });

  const DAYS = ['monday', 'tuesday', 'wednesday', 'friday', 'saturday', 'weekday', 'weekend'];
  const TIMES = ['9am', '10am', '5pm', '9:30am', 'noon'];
  const lists = DAYS.flatMap((d1, k) => DAYS.slice(k + 1).map((d2, j) => [d1, d2, TIMES[(k + j) % TIMES.length] as string, TIMES[(k + 2 * j + 1) % TIMES.length] as string] as const));

  it.each(lists)('lists: "every %s and %s at %s and %s" runs at the union of its four single schedules', (d1, d2, t1, t2) => {
    const phrases = [`every ${d1} and every ${d2} at ${t1} and ${t2}`, `please every ${d1} at ${t1} and ${t2}, and every ${d2} at ${t1} and ${t2} thanks`];
    const options = { ...OPTIONS, minIntervalMinutes: 5 }; // 9:00 and 9:30 are a valid list here
    const singles = [d1, d2].flatMap((d) => [t1, t2].map((t) => interpretSchedule(`every ${d} at ${t}`, options)));
    const union = [...new Set(singles.flatMap((r) => (r.ok ? runsOf(r.cron, 'UTC') : [])))].sort((x, y) => x - y).slice(0, RUNS);
    for (const phrase of phrases) {
      const r = interpretSchedule(phrase, options);
      if (!r.ok) {
        expect(r.error.code).toBe('needs_multiple_schedules');
        continue;
      }
      expect(runsOf(r.cron, r.timezone)).toEqual(union);
    }
  });

  it('merges what one cron holds', () => {
    const cron = (p: string) => {
      const r = interpretSchedule(p, OPTIONS);
      return r.ok ? r.cron : r.error.code;
    };
    expect(cron('every tuesday at 10am and every thursday at 10am')).toBe('0 10 ? * TUE,THU *');
    expect(cron('on the 15th at 9am and on the 1st at 9am')).toBe('0 9 1,15 * ? *');
    expect(cron('every jan 1st and every jul 1st')).toBe('0 9 1 1,7 ? *');
    expect(cron('every wednesday at 9:30am and every wednesday at 4:30pm')).toBe('30 9,16 ? * WED *');
    expect(cron('every day at 8am and every hour on mondays')).toBe('needs_multiple_schedules');
  });
});
