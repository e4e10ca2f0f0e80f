import { describe, expect, it } from '@jest/globals';
import { readOmniCron } from '../../../src/schedule/cron.js';
import { InvalidTimeZoneError, readZoneOffsets } from '../../../src/schedule/next-runs.js';
import { buildScheduleWarnings, findOffsetTransitions } from '../../../src/schedule/warnings.js';
import type { OmniCron } from '../../../src/schedule/types.js';

function read(expr: string): OmniCron {
  const result = readOmniCron(expr);
  if (!result.ok) throw new Error(`${expr}: ${result.error}`);
  return result.cron;
}

const JAN_2026 = new Date('2026-01-10T00:00:00Z');

function warnings(expr: string, zone = 'UTC', from = JAN_2026): string[] {
  return buildScheduleWarnings(read(expr), zone, from);
}

describe('findOffsetTransitions', () => {
  it('locates clock changes to the minute', () => {
    const ny = readZoneOffsets('America/New_York');
    expect(findOffsetTransitions(ny, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))).toEqual([
      { at: Date.UTC(2026, 2, 8, 7), before: -300, after: -240 },
      { at: Date.UTC(2026, 10, 1, 6), before: -240, after: -300 },
    ]);
    const lordHowe = readZoneOffsets('Australia/Lord_Howe');
    expect(findOffsetTransitions(lordHowe, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))).toEqual([
      // 2:00 AM +11:00 on 5 April → 1:30 AM +10:30; 2:00 AM +10:30 on 4 October → 2:30 AM +11:00
      { at: Date.UTC(2026, 3, 4, 15), before: 660, after: 630 },
      { at: Date.UTC(2026, 9, 3, 15, 30), before: 630, after: 660 },
    ]);
    expect(findOffsetTransitions(readZoneOffsets('Asia/Kolkata'), Date.UTC(2026, 0, 1), Date.UTC(2028, 0, 1))).toEqual(
      [],
    );
  });
});

describe('buildScheduleWarnings: clock changes', () => {
  it('names the date when a fixed time falls in a spring-forward gap, and what happens', () => {
    expect(warnings('30 2 ? * * *', 'America/New_York')).toEqual([
      'On 8 March 2026, 2:30 AM does not exist in America/New_York; that run happens at 3:30 AM. ' +
        'The same happens on 14 March 2027.',
    ]);
  });

  it('names the date when a fixed time happens twice, and that it runs once', () => {
    expect(warnings('30 1 ? * * *', 'America/New_York')).toEqual([
      'On 1 November 2026, 1:30 AM happens twice in America/New_York (clocks go back); ' +
        'the run happens once, at the first 1:30 AM (UTC-4). The same happens on 7 November 2027.',
    ]);
  });

  it('warns about both changes in the southern hemisphere (Sydney), gap first', () => {
    expect(warnings('30 2 ? * * *', 'Australia/Sydney')).toEqual([
      'On 4 October 2026, 2:30 AM does not exist in Australia/Sydney; that run happens at 3:30 AM. ' +
        'The same happens on 3 October 2027.',
      'On 5 April 2026, 2:30 AM happens twice in Australia/Sydney (clocks go back); ' +
        'the run happens once, at the first 2:30 AM (UTC+11). The same happens on 4 April 2027.',
    ]);
  });

  it('handles London and 30-minute shifts (Lord Howe)', () => {
    expect(warnings('30 1 ? * * *', 'Europe/London')).toEqual([
      'On 29 March 2026, 1:30 AM does not exist in Europe/London; that run happens at 2:30 AM. ' +
        'The same happens on 28 March 2027.',
      'On 25 October 2026, 1:30 AM happens twice in Europe/London (clocks go back); ' +
        'the run happens once, at the first 1:30 AM (UTC+1). The same happens on 31 October 2027.',
    ]);
    expect(warnings('15 2 ? * * *', 'Australia/Lord_Howe')).toEqual([
      'On 4 October 2026, 2:15 AM does not exist in Australia/Lord_Howe; that run happens at 2:45 AM. ' +
        'The same happens on 3 October 2027.',
    ]);
    expect(warnings('45 1 ? * * *', 'Australia/Lord_Howe')).toEqual([
      'On 5 April 2026, 1:45 AM happens twice in Australia/Lord_Howe (clocks go back); ' +
        'the run happens once, at the first 1:45 AM (UTC+11). The same happens on 4 April 2027.',
    ]);
  });

  it('only warns for days the schedule runs on', () => {
    // US clocks change on Sundays; a Monday 2:30 AM run is never affected, a Sunday one always is.
    expect(warnings('30 2 ? * MON *', 'America/New_York')).toEqual([]);
    expect(warnings('30 2 ? * SUN *', 'America/New_York')).toHaveLength(1);
    expect(warnings('30 2 ? 4-12 SUN *', 'America/New_York')).toEqual([]);
  });

  it('describes several runs in one gap, and runs that merge into an existing one', () => {
    expect(warnings('0,30 2 ? * * *', 'America/New_York')).toEqual([
      'On 8 March 2026, clocks in America/New_York go forward 1 hour at 2:00 AM: ' +
        'the 2 runs from 2:00 AM to 2:30 AM happen 1 hour later. The same happens on 14 March 2027.',
    ]);
    expect(warnings('0 2,3 ? * * *', 'America/New_York')).toEqual([
      'On 8 March 2026, 2:00 AM does not exist in America/New_York; that run is skipped ' +
        '(the 3:00 AM run happens as usual). The same happens on 14 March 2027.',
    ]);
    expect(warnings('0,30 1 ? * * *', 'America/New_York')).toEqual([
      'On 1 November 2026, clocks in America/New_York go back 1 hour, so 1:00 AM to 1:59 AM happens twice; ' +
        'the 2 runs in it happen once each, the first time. The same happens on 7 November 2027.',
    ]);
  });

  it('stays quiet for times outside the change, zones without DST, and hourly schedules', () => {
    expect(warnings('0 9 ? * * *', 'America/New_York')).toEqual([]);
    expect(warnings('30 2 ? * * *', 'Asia/Kolkata')).toEqual([]);
    expect(warnings('30 2 ? * * *', 'UTC')).toEqual([]);
    expect(warnings('0 * ? * * *', 'America/New_York')).toEqual([]);
    expect(warnings('0/15 * ? * * *', 'Europe/London')).toEqual([]);
  });

  it('looks about two years ahead from `from`', () => {
    const late = new Date('2027-06-01T00:00:00Z');
    expect(warnings('30 2 ? * * *', 'America/New_York', late)).toEqual([
      'On 12 March 2028, 2:30 AM does not exist in America/New_York; that run happens at 3:30 AM. ' +
        'The same happens on 11 March 2029.',
    ]);
  });

  it('throws InvalidTimeZoneError for a zone that is not IANA', () => {
    expect(() => warnings('0 9 ? * * *', 'Not/AZone')).toThrow(InvalidTimeZoneError);
  });
});

describe('buildScheduleWarnings: days some months lack', () => {
  it.each([
    ['0 9 31 * ? *', ['Months without a 31st (February, April, June, September and November) are skipped.']],
    ['0 9 31W * ? *', ['Months without a 31st (February, April, June, September and November) are skipped.']],
    [
      '0 9 15,31 * ? *',
      ['Months without a 31st (February, April, June, September and November) have no run on the 31st.'],
    ],
    ['0 9 31 1,3,5 ? *', []],
    ['0 9 31 1-4 ? *', ['Months without a 31st (February and April) are skipped.']],
    ['0 9 30 * ? *', ['February has no 30th, so it is skipped.']],
    ['0 9 1,30 * ? *', ['February has no 30th, so it has no run on the 30th.']],
    ['0 9 29 * ? *', ['February is skipped except in leap years.']],
    ['0 9 1,29 * ? *', ['In February, the 29th exists only in leap years.']],
    ['0 9 29 2 ? *', ['February 29 exists only in leap years, so this runs only in leap years.']],
    ['0 9 29 3 ? *', []],
    ['0 9 28 * ? *', []],
    ['0 9 ? * FRI#5 *', ['Months without a fifth Friday are skipped.']],
    ['0 9 ? * FRI#4 *', []],
    ['0 9 L * ? *', []],
  ])('%s', (expr, expected) => {
    expect(warnings(expr)).toEqual(expected);
  });
});

describe('buildScheduleWarnings: years', () => {
  it('says when a schedule never runs', () => {
    expect(warnings('0 9 1 * ? 2020')).toEqual(['This schedule never runs again: its last year, 2020, is past.']);
    expect(warnings('0 9 30 2 ? *')).toEqual(['This schedule never runs: no date matches it.']);
    expect(warnings('0 9 ? 2 FRI#5 2026-2030')).toEqual(['This schedule never runs: no date matches it.']);
  });

  it('says when the runs end soon', () => {
    expect(warnings('0 9 1 * ? 2026')).toEqual(['This schedule stops after 2026: it has no runs after that year.']);
    expect(warnings('0 9 1 * ? 2025-2027')).toEqual([
      'This schedule stops after 2027: it has no runs after that year.',
    ]);
    expect(warnings('0 9 1 * ? 2030')).toEqual([]);
    expect(warnings('0 0 1 1 ? 2099')).toEqual([]);
  });

  it('combines warnings of different kinds', () => {
    expect(warnings('30 2 31 * ? 2026', 'America/New_York')).toEqual([
      'Months without a 31st (February, April, June, September and November) are skipped.',
      'This schedule stops after 2026: it has no runs after that year.',
    ]);
    expect(warnings('30 2 8 3 ? 2026', 'America/New_York')).toEqual([
      'On 8 March 2026, 2:30 AM does not exist in America/New_York; that run happens at 3:30 AM.',
      'This schedule stops after 2026: it has no runs after that year.',
    ]);
  });
});
