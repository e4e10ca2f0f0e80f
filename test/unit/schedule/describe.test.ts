import { describe, expect, it } from '@jest/globals';
import { formatOmniCron, readOmniCron } from '../../../src/schedule/cron.js';
import { describeCron, formatClockTime, formatOrdinal, joinWords } from '../../../src/schedule/describe.js';
import type { OmniCron } from '../../../src/schedule/types.js';

function read(expr: string): OmniCron {
  const result = readOmniCron(expr);
  if (!result.ok) throw new Error(`${expr}: ${result.error}`);
  return result.cron;
}

describe('describeCron', () => {
  it.each([
    ['0 9 ? * * *', 'Every day at 9:00 AM'],
    ['0 9 ? * MON-FRI *', 'Weekdays at 9:00 AM'],
    ['0 10 ? * SAT,SUN *', 'Weekends at 10:00 AM'],
    ['0 10 ? * MON,WED,FRI *', 'Mondays, Wednesdays and Fridays at 10:00 AM'],
    ['0 9 ? * MON-THU,SAT,SUN *', 'Every day except Friday at 9:00 AM'],
    ['0 9 ? * MON-SAT *', 'Every day except Sunday at 9:00 AM'],
    ['0 9,17 ? * * *', 'Every day at 9:00 AM and 5:00 PM'],
    ['0 9,13,17 ? * * *', 'Every day at 9:00 AM, 1:00 PM and 5:00 PM'],
    ['0/15 * ? * * *', 'Every 15 minutes'],
    ['0/30 * ? * * *', 'Every 30 minutes'],
    ['0 9-17/2 ? * MON-FRI *', 'Every 2 hours from 9:00 AM to 5:00 PM on weekdays'],
    ['0 9-17 ? * MON-FRI *', 'Every hour from 9:00 AM to 5:00 PM on weekdays'],
    ['30 * ? * * *', 'Every hour at :30'],
    ['0 * ? * * *', 'Every hour'],
    ['* * ? * * *', 'Every minute'],
    ['0/5 8-17 ? * MON-FRI *', 'Every 5 minutes from 8:00 AM to 5:55 PM on weekdays'],
    ['30 8 ? * MON#1 *', 'On the first Monday of the month at 8:30 AM'],
    ['0 9 ? * TUE#2 *', 'On the second Tuesday of the month at 9:00 AM'],
    ['0 18 ? * FRIL *', 'On the last Friday of the month at 6:00 PM'],
    ['0 18 L * ? *', 'On the last day of the month at 6:00 PM'],
    ['0 9 LW * ? *', 'On the last business day of the month at 9:00 AM'],
    ['0 9 1W * ? *', 'On the first business day of the month at 9:00 AM'],
    ['0 9 15W * ? *', 'On the weekday nearest the 15th at 9:00 AM'],
    ['0 9 1,15 * ? *', 'On the 1st and 15th of the month at 9:00 AM'],
    ['0 9 1 * ? *', 'On the 1st of the month at 9:00 AM'],
    ['0 9 1-7 * ? *', 'On the 1st to 7th of the month at 9:00 AM'],
    ['0 9 1,2,3,10 * ? *', 'On the 1st to 3rd and 10th of the month at 9:00 AM'],
    ['0 9 1 1,4,7,10 ? *', 'Quarterly on the 1st (January, April, July, October) at 9:00 AM'],
    ['0 9 1 1 ? *', 'Every year on January 1 at 9:00 AM'],
    ['0 9 25 12 ? *', 'Every year on December 25 at 9:00 AM'],
    ['0 9 1,15 1 ? *', 'Every year on January 1 and 15 at 9:00 AM'],
    ['0 18 L 2 ? *', 'Every year on the last day of February at 6:00 PM'],
    ['0 9 ? 9 MON#1 *', 'Every year on the first Monday of September at 9:00 AM'],
    ['0 9 ? 6-8 * *', 'Every day at 9:00 AM in June, July and August'],
    ['0 9 ? 6-8 MON-FRI *', 'Weekdays at 9:00 AM in June, July and August'],
    ['0 9 1 6-8 ? *', 'On the 1st of June, July and August at 9:00 AM'],
    ['0 9 ? * * 2027', 'Every day at 9:00 AM in 2027'],
    ['0 9 ? 6 * 2027', 'Every day at 9:00 AM in June 2027'],
    ['0 0 1 1 ? 2099', 'Once, on January 1, 2099 at 12:00 AM'],
    ['0 */6 * * ? *', 'Every 6 hours'],
    ['0 0/12 ? * * *', 'Every 12 hours'],
    ['0 1/2 ? * * *', 'Every 2 hours from 1:00 AM to 11:00 PM'],
    ['30 0/6 ? * * *', 'Every 6 hours at :30'],
    ['5/15 * ? * * *', 'Every 15 minutes (:05, :20, :35, :50)'],
    ['0/15 9-16 ? * MON-FRI *', 'Every 15 minutes from 9:00 AM to 4:45 PM on weekdays'],
    ['15,45 9-17 ? * * *', 'Every 30 minutes (:15, :45) from 9:15 AM to 5:45 PM'],
    ['0,30 9 ? * * *', 'Every day at 9:00 AM and 9:30 AM'],
    ['0 0 ? * * *', 'Every day at 12:00 AM'],
    ['0 12 ? * * *', 'Every day at 12:00 PM'],
    ['30 12 ? * * *', 'Every day at 12:30 PM'],
    ['0 9 ? * SUN *', 'Sundays at 9:00 AM'],
    ['0 9 ? * TUE,WED *', 'Tuesdays and Wednesdays at 9:00 AM'],
    ['0 9 ? 1-11 * *', 'Every day at 9:00 AM, except in December'],
    ['0 9 L 3,6,9,12 ? *', 'Quarterly on the last day (March, June, September, December) at 9:00 AM'],
    ['0 9 ? * * 2026-2028', 'Every day at 9:00 AM from 2026 to 2028'],
    ['0 9 ? * * 2026,2028', 'Every day at 9:00 AM in 2026 and 2028'],
    ['0 9 1 * ? 2020', 'On the 1st of the month at 9:00 AM in 2020'],
    ['0 9,21 ? 1 ? *', 'Every day at 9:00 AM and 9:00 PM in January'],
    ['0/10 9,17 ? * * *', 'Every 10 minutes during the 9 AM and 5 PM hours'],
    ['0 9 ? 1/2 * *', 'Every day at 9:00 AM in January, March, May, July, September and November'],
    ['0 8 ? * 2#3 2027', 'On the third Monday of the month at 8:00 AM in 2027'],
    ['0 22-2 ? * FRI *', 'Fridays at 12:00 AM, 1:00 AM, 2:00 AM, 10:00 PM and 11:00 PM'],
    ['0 9 ? * 1/2 *', 'Tuesdays, Thursdays, Saturdays and Sundays at 9:00 AM'],
    ['0 * ? * MON-FRI *', 'Every hour on weekdays'],
    ['0 9 ? * FRI#5 *', 'On the fifth Friday of the month at 9:00 AM'],
    ['0 9 31 * ? *', 'On the 31st of the month at 9:00 AM'],

  ])('%s → %s', (expr, words) => {
    expect(describeCron(read(expr))).toBe(words);
  });

  it('words a schedule by its values, not its spelling', () => {
    expect(describeCron(read('00 09 ? * 2,3,4,5,6 *'))).toBe('Weekdays at 9:00 AM');
    expect(describeCron(read('0 9 ? * 2-6 *'))).toBe(describeCron(read('0 9 ? * MON-FRI *')));
    expect(describeCron(read('0 9 ? * ? *'))).toBe('Every day at 9:00 AM');
    expect(describeCron(read('0 9 ? * 1-7 *'))).toBe('Every day at 9:00 AM');
    expect(describeCron(read('0 9 ? * 6L *'))).toBe('On the last Friday of the month at 9:00 AM');
  });

  it('never throws: a cron no reader would produce gets the plain fallback', () => {
    const odd: OmniCron = { ...read('0 9 ? * * *'), minute: { kind: 'last' }, source: 'odd source' };
    expect(describeCron(odd)).toBe('On the cron schedule odd source');
    const broken = { ...read('0 9 ? * * *'), dayOfWeek: { kind: 'nthWeekday', weekday: 9, nth: 9 }, source: 'x' } as OmniCron;
    expect(() => describeCron(broken)).not.toThrow();
  });

  it('words every canonical cron of a broad sample without gaps', () => {
    const minutes = ['0', '30', '0/15', '5/20', '0,45', '*'];
    const hours = ['9', '0/2', '9-17', '9,17', '*', '1/3'];
    const days = ['? * *', '? * MON-FRI', '? * SAT,SUN', '1 * ?', 'L * ?', 'LW * ?', '15W * ?', '? * MON#2', '? * FRIL', '1,15 1 ?', '? 6-8 TUE'];
    const years = ['*', '2027', '2026-2028'];
    let count = 0;
    for (const m of minutes)
      for (const h of hours)
        for (const d of days)
          for (const y of years) {
            const [dom = '', month = '', dow = ''] = d.split(' ');
            const text = formatOmniCron(read(`${m} ${h} ${dom} ${month} ${dow} ${y}`));
            const words = describeCron(read(text));
            expect(words).not.toMatch(/undefined|NaN|\bnull\b|cron schedule|  /);
            expect(words).toMatch(/^[A-Z]/);
            count++;
          }
    expect(count).toBe(6 * 6 * 11 * 3);
  });
});

describe('wording helpers', () => {
  it('formats clock times with noon and midnight as 12', () => {
    expect(formatClockTime(0, 0)).toBe('12:00 AM');
    expect(formatClockTime(0, 30)).toBe('12:30 AM');
    expect(formatClockTime(9, 5)).toBe('9:05 AM');
    expect(formatClockTime(12, 0)).toBe('12:00 PM');
    expect(formatClockTime(13, 45)).toBe('1:45 PM');
    expect(formatClockTime(23, 59)).toBe('11:59 PM');
  });

  it('writes ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(formatOrdinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st',
    ]);
  });

  it('joins words with commas and "and"', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['a'])).toBe('a');
    expect(joinWords(['a', 'b'])).toBe('a and b');
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
