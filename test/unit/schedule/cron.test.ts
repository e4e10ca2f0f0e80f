import { describe, expect, it } from '@jest/globals';
import { formatOmniCron, InvalidCronError, readOmniCron } from '../../../src/schedule/cron.js';
import type { CronField, OmniCron } from '../../../src/schedule/types.js';

function read(expr: string, strict = false): OmniCron {
  const result = readOmniCron(expr, { strict });
  if (!result.ok) throw new Error(`expected ${expr} to read, got: ${result.error}`);
  return result.cron;
}

function readError(expr: string, strict = false): string {
  const result = readOmniCron(expr, { strict });
  if (result.ok) throw new Error(`expected ${expr} to be refused, got ${formatOmniCron(result.cron)}`);
  return result.error;
}

function canonical(expr: string): string {
  return formatOmniCron(read(expr));
}

describe('readOmniCron: AWS EventBridge documentation examples', () => {
  it.each([
    ['0 10 * * ? *', '0 10 ? * * *'],
    ['15 12 * * ? *', '15 12 ? * * *'],
    ['0 18 ? * MON-FRI *', '0 18 ? * MON-FRI *'],
    ['0 8 1 * ? *', '0 8 1 * ? *'],
    ['0/15 * * * ? *', '0/15 * ? * * *'],
    ['0/10 * ? * MON-FRI *', '0/10 * ? * MON-FRI *'],
    ['0/5 8-17 ? * MON-FRI *', '0/5 8-17 ? * MON-FRI *'],
    ['0 9 ? * 2#1 *', '0 9 ? * MON#1 *'],
  ])('reads %s (canonical %s)', (expr, expected) => {
    expect(canonical(expr)).toBe(expected);
  });
});

describe("readOmniCron: Omni's own examples", () => {
  it.each([
    ['00 09 ? * 2,3,4,5,6 *', '0 9 ? * MON-FRI *'],
    ['0 */6 * * ? *', '0 0/6 ? * * *'],
    ['0 0 1 1 ? 2099', '0 0 1 1 ? 2099'],
    ['0 9 ? * MON *', '0 9 ? * MON *'],
    ['0 9 ? * * *', '0 9 ? * * *'],
    ['0 0 ? * MON *', '0 0 ? * MON *'],
    ['30 6 L * ? *', '30 6 L * ? *'],
    ['45 8 ? * MON-FRI *', '45 8 ? * MON-FRI *'],
  ])('reads %s (canonical %s)', (expr, expected) => {
    expect(canonical(expr)).toBe(expected);
  });

  it("reads Omni's older `? … ?` form as every day in lenient mode, refuses it in strict mode", () => {
    const cron = read('0 9 ? * ? *');
    expect(cron.dayOfMonth).toEqual({ kind: 'none' });
    expect(cron.dayOfWeek).toEqual({ kind: 'any' });
    expect(formatOmniCron(cron)).toBe('0 9 ? * * *');
    expect(readError('0 9 ? * ? *', true)).toMatch(/both \?/);
  });
});

describe('readOmniCron: fields', () => {
  it('reads numeric day-of-week with 1 = Sunday', () => {
    expect(read('0 9 ? * 1 *').dayOfWeek).toEqual({ kind: 'list', values: [1] });
    expect(canonical('0 9 ? * 1 *')).toBe('0 9 ? * SUN *');
    expect(canonical('0 9 ? * 7 *')).toBe('0 9 ? * SAT *');
    expect(canonical('0 9 ? * 2-6 *')).toBe('0 9 ? * MON-FRI *');
    expect(canonical('0 9 ? * 1,7 *')).toBe('0 9 ? * SAT,SUN *');
  });

  it('reads names case-insensitively', () => {
    expect(canonical('0 9 ? jan-mar mon,Wed,FRI *')).toBe('0 9 ? 1-3 MON,WED,FRI *');
    expect(canonical('0 9 ? * fri#2 *')).toBe('0 9 ? * FRI#2 *');
    expect(canonical('0 9 ? * fril *')).toBe('0 9 ? * FRIL *');
    expect(canonical('0 9 lw * ? *')).toBe('0 9 LW * ? *');
    expect(canonical('0 9 15w * ? *')).toBe('0 9 15W * ? *');
  });

  it('tolerates leading zeros and extra spaces in lenient mode', () => {
    expect(canonical('  05   09  01  06  ?  2030 ')).toBe('5 9 1 6 ? 2030');
  });

  it('expands steps', () => {
    expect(read('0/15 * ? * * *').minute).toEqual({ kind: 'list', values: [0, 15, 30, 45] });
    expect(read('5/15 * ? * * *').minute).toEqual({ kind: 'list', values: [5, 20, 35, 50] });
    expect(read('0 */6 ? * * *').hour).toEqual({ kind: 'list', values: [0, 6, 12, 18] });
    expect(read('0 9-17/2 ? * * *').hour).toEqual({ kind: 'list', values: [9, 11, 13, 15, 17] });
    expect(read('0 9 1 1/2 ? *').month).toEqual({ kind: 'list', values: [1, 3, 5, 7, 9, 11] });
    expect(read('0 9 1 */3 ? *').month).toEqual({ kind: 'list', values: [1, 4, 7, 10] });
    expect(read('0 9 1/10 * ? *').dayOfMonth).toEqual({ kind: 'list', values: [1, 11, 21, 31] });
    expect(read('0 9 1 1 ? 2026/2').year).toEqual({
      kind: 'list',
      values: Array.from({ length: 87 }, (_, i) => 2026 + 2 * i),
    });
    expect(read('0 9 1 1 ? 2026-2030/2').year).toEqual({ kind: 'list', values: [2026, 2028, 2030] });
  });

  it('reads day-of-week steps as Quartz does (2/2 = MON, WED, FRI)', () => {
    expect(canonical('0 9 ? * 2/2 *')).toBe('0 9 ? * MON,WED,FRI *');
  });

  it('reads the day specials into their own kinds', () => {
    const cases: [string, keyof OmniCron, CronField][] = [
      ['0 9 L * ? *', 'dayOfMonth', { kind: 'last' }],
      ['0 9 LW * ? *', 'dayOfMonth', { kind: 'lastWeekday' }],
      ['0 9 15W * ? *', 'dayOfMonth', { kind: 'nearestWeekday', day: 15 }],
      ['0 9 ? * MON#1 *', 'dayOfWeek', { kind: 'nthWeekday', weekday: 2, nth: 1 }],
      ['0 9 ? * 6#5 *', 'dayOfWeek', { kind: 'nthWeekday', weekday: 6, nth: 5 }],
      ['0 9 ? * FRIL *', 'dayOfWeek', { kind: 'lastOfWeekday', weekday: 6 }],
      ['0 9 ? * 6L *', 'dayOfWeek', { kind: 'lastOfWeekday', weekday: 6 }],
      ['0 9 ? * 1L *', 'dayOfWeek', { kind: 'lastOfWeekday', weekday: 1 }],
    ];
    for (const [expr, field, expected] of cases) expect(read(expr)[field]).toEqual(expected);
  });

  it('reads a bare L in day-of-week as Saturday (lenient) and refuses it in strict mode', () => {
    expect(canonical('0 9 ? * L *')).toBe('0 9 ? * SAT *');
    expect(readError('0 9 ? * L *', true)).toBe('day-of-week: L — write it as SAT');
  });

  it('expands wrap-around ranges in lenient mode and refuses them in strict mode', () => {
    expect(canonical('0 9 ? * FRI-MON *')).toBe('0 9 ? * MON,FRI,SAT,SUN *');
    expect(canonical('0 9 ? * SAT-SUN *')).toBe('0 9 ? * SAT,SUN *');
    expect(canonical('0 22-2 ? * * *')).toBe('0 0-2,22,23 ? * * *');
    expect(canonical('0 9 1 11-2 ? *')).toBe('0 9 1 1,2,11,12 ? *');
    expect(readError('0 9 ? * FRI-MON *', true)).toBe('day-of-week: FRI-MON — write it as MON,FRI,SAT,SUN');
  });

  it('reads `*` in one day field beside a value in the other as `?` (lenient only)', () => {
    expect(canonical('0 9 * * MON *')).toBe('0 9 ? * MON *');
    expect(canonical('0 9 15 * * *')).toBe('0 9 15 * ? *');
    expect(canonical('0 9 * * * *')).toBe('0 9 ? * * *');
    expect(readError('0 9 * * MON *', true)).toMatch(/^day-of-month: \* — use \?/);
  });

  it('keeps the source text', () => {
    expect(read('00 09 ? * 2,3,4,5,6 *').source).toBe('00 09 ? * 2,3,4,5,6 *');
  });
});

describe('readOmniCron: refusals (both modes)', () => {
  it.each([
    ['0 9 * * 1', /^expected 6 fields .* got 5 \(the year field is missing\)$/],
    ['0 0 9 ? * * *', /got 7 \(Omni cron has no seconds field\)/],
    ['0 9 ? *', /got 4$/],
    ['', /got 0$/],
    ['60 9 ? * * *', /^minute: 60 — 60 is out of range \(0-59\)$/],
    ['0 24 ? * * *', /^hour: 24 — 24 is out of range \(0-23\)$/],
    ['0 9 0 * ? *', /^day-of-month: 0 — 0 is out of range \(1-31\)$/],
    ['0 9 32 * ? *', /^day-of-month: 32 — /],
    ['0 9 1 13 ? *', /^month: 13 — /],
    ['0 9 1 0 ? *', /^month: 0 — /],
    ['0 9 ? * 8 *', /^day-of-week: 8 — 8 is out of range \(1-7, 1 = Sunday\)$/],
    ['0 9 ? * 0 *', /^day-of-week: 0 — 0 is out of range \(1-7, 1 = Sunday\)$/],
    ['0 9 ? * 0-6 *', /^day-of-week: 0-6 — 0 is out of range \(1-7, 1 = Sunday\)$/],
    ['0 9 ? * * 1969', /^year: 1969 — /],
    ['0 9 ? * * 2200', /^year: 2200 — /],
    ['0 9 1 * MON *', /^day-of-month \(1\) and day-of-week \(MON\) are both set; one of them must be \?$/],
    ['0 9 L * FRIL *', /both set/],
    ['0 9 ? * MON#6 *', /^day-of-week: MON#6 — # takes 1 to 5$/],
    ['0 9 ? * MON#0 *', /^day-of-week: MON#0 — # takes 1 to 5$/],
    ['0 9 ? * 2#1,6#3 *', /^day-of-week: 2#1,6#3 — only one # expression is allowed$/],
    ['0 9 ? * MON#1,FRI *', /^day-of-week: MON#1,FRI — # cannot be combined with other days$/],
    ['0 9 ? * FRIL,MON *', /^day-of-week: FRIL,MON — L cannot be combined with other days$/],
    ['0 9 L,15 * ? *', /^day-of-month: L,15 — L and W cannot be combined with other days$/],
    ['0 9 1-15W * ? *', /^day-of-month: 1-15W — L and W cannot be combined/],
    ['0 9 1W,15W * ? *', /^day-of-month: 1W,15W — L and W cannot be combined/],
    ['0 9 L-3 * ? *', /^day-of-month: L-3 — offsets from the last day \(L-n\) are not supported$/],
    ['0 9 32W * ? *', /^day-of-month: 32W — 32 is out of range/],
    ['0/90 * ? * * *', /^minute: 0\/90 — the step must be 1 to 59$/],
    ['0 */25 ? * * *', /^hour: \*\/25 — the step must be 1 to 23$/],
    ['0 */0 ? * * *', /^hour: \*\/0 — the step must be 1 to 23$/],
    ['0 9 1 1/13 ? *', /^month: 1\/13 — the step must be 1 to 11$/],
    ['0 9 ? * * 2030-2026', /^year: 2030-2026 — 2030-2026 runs backwards$/],
    ['0 9 ? ? * *', /^month: \? — \? is only allowed in day-of-month or day-of-week$/],
    ['? 9 ? * * *', /^minute: \?/],
    ['0 9 ? * MONDAY *', /^day-of-week: MONDAY — MONDAY is not understood \(use SUN-SAT or 1-7/],
    ['0 9 ? FOO * *', /^month: FOO — FOO is not understood \(use JAN-DEC or 1-12\)$/],
    ['0 MON ? * * *', /^hour: MON — MON is not understood \(not a number\)$/],
    ['0 9 ? * 1,,2 *', /^day-of-week: 1,,2 — empty item in the list$/],
    ['0 9 ? * 1-2-3 *', /^day-of-week: 1-2-3 — 1-2-3 is not a range$/],
    ['0 9 ? * 1/2/3 *', /has more than one \//],
    ['0 -1 ? * * *', /^hour: -1 — -1 is not a range$/],
    ['0 9.5 ? * * *', /^hour: 9.5 — 9.5 is not a number$/],
    ['0 9,* ? * * *', /^hour: 9,\* — \* cannot be part of a list$/],
    ['0 9 ? * 1/x *', /step x is not a number/],
  ])('refuses %s', (expr, message) => {
    expect(readError(expr)).toMatch(message);
    expect(readError(expr, true)).toMatch(message);
  });
});

describe('readOmniCron: strict mode', () => {
  it.each([
    '0 9 ? * * *',
    '0 9 ? * MON-FRI *',
    '0 9 ? * MON-THU,SAT,SUN *',
    '0 9 ? * MON,WED,FRI *',
    '0 9 ? * SUN *',
    '0 9 ? * MON#1 *',
    '0 18 ? * FRIL *',
    '0 18 L * ? *',
    '0 9 LW * ? *',
    '0 9 1W * ? *',
    '0 9 1,15 * ? *',
    '0 9 1 1,4,7,10 ? *',
    '0 9 ? 6-8 * *',
    '0/15 * ? * * *',
    '0 1/2 ? * * *',
    '0 9-17/2 ? * MON-FRI *',
    '0/15 9-16 ? * MON-FRI *',
    '0 9,17 ? * * *',
    '0/30 9 ? * * *',
    '15,45 9 ? * * *',
    '30 * ? * * *',
    '0 0 1 1 ? 2099',
    '0 9 ? * * 2026-2028',
    '0 9 ? * * 2026,2030',
  ])('accepts canonical %s and formats it to itself', (expr) => {
    expect(formatOmniCron(read(expr, true))).toBe(expr);
  });

  it.each([
    ['00 09 ? * MON *', 'minute: 00 — write it as 0'],
    ['0 9 ? * 2-6 *', 'day-of-week: 2-6 — write it as MON-FRI'],
    ['0 9 ? * mon *', 'day-of-week: mon — write it as MON'],
    ['0 9 ? * 6L *', 'day-of-week: 6L — write it as FRIL'],
    ['0 9 ? * 2#1 *', 'day-of-week: 2#1 — write it as MON#1'],
    ['0 9 ? * SUN,MON *', 'day-of-week: SUN,MON — write it as MON,SUN'],
    ['0 */6 ? * * *', 'hour: */6 — write it as 0/6'],
    ['*/15 * ? * * *', 'minute: */15 — write it as 0/15'],
    ['0 9 ? JAN * *', 'month: JAN — write it as 1'],
    ['0 9 ? 1,2,3 * *', 'month: 1,2,3 — write it as 1-3'],
    ['0 9 ? * SUN-SAT *', 'day-of-week: SUN-SAT — write it as *'],
    ['0 9 ? * * 2026-2027', 'year: 2026-2027 — write it as 2026,2027'],
    ['0 10 * * ? *', 'day-of-month: * — write it as ?'],
    ['0 9  ? * * *', 'separate the fields with single spaces'],
    [' 0 9 ? * * *', 'separate the fields with single spaces'],
  ])('refuses %s: %s', (expr, message) => {
    expect(readError(expr, true)).toBe(message);
    expect(readOmniCron(expr).ok).toBe(true);
  });
});

describe('formatOmniCron', () => {
  const base: OmniCron = {
    minute: { kind: 'list', values: [0] },
    hour: { kind: 'list', values: [9] },
    dayOfMonth: { kind: 'none' },
    month: { kind: 'any' },
    dayOfWeek: { kind: 'any' },
    year: { kind: 'any' },
    source: '',
  };
  const list = (...values: number[]): CronField => ({ kind: 'list', values });

  it('folds minute and hour lists into steps, ranges and lists', () => {
    const cases: [number[], number[], string][] = [
      [[0, 15, 30, 45], [9], '0/15 9'],
      [[5, 20, 35, 50], [9], '5/15 9'],
      [[0, 30], [9], '0/30 9'],
      [[0], [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23], '0 1/2'],
      [[0], [0, 12], '0 0/12'],
      [[0], [9, 21], '0 9,21'],
      [[0], [9, 11, 13, 15, 17], '0 9-17/2'],
      [[0], [9, 13, 17], '0 9,13,17'],
      [[0], [9, 10, 11, 12], '0 9-12'],
      [[0], [9, 10], '0 9,10'],
      [[0], [0, 1, 2, 22, 23], '0 0-2,22,23'],
      [Array.from({ length: 60 }, (_, i) => i), [9], '* 9'],
      [[0], Array.from({ length: 24 }, (_, i) => i), '0 *'],
      [[0, 10, 20, 30, 40, 50], [8, 9, 10, 11, 12, 13, 14, 15, 16, 17], '0/10 8-17'],
      [[15, 45], [9], '15,45 9'],
    ];
    for (const [minutes, hours, expected] of cases) {
      expect(formatOmniCron({ ...base, minute: list(...minutes), hour: list(...hours) })).toBe(
        `${expected} ? * * *`,
      );
    }
  });

  it('writes day-of-week names MON…SUN with ranges of 3+ inside MON…SAT, SUN never in a range', () => {
    const cases: [number[], string][] = [
      [[2, 3, 4, 5, 6], 'MON-FRI'],
      [[1, 2, 3, 4, 5, 7], 'MON-THU,SAT,SUN'],
      [[1, 2, 3], 'MON,TUE,SUN'],
      [[1, 7], 'SAT,SUN'],
      [[2, 3, 4, 5, 6, 7], 'MON-SAT'],
      [[1, 2, 3, 4, 5, 6, 7], '*'],
      [[2, 4, 6], 'MON,WED,FRI'],
      [[3, 4], 'TUE,WED'],
    ];
    for (const [values, expected] of cases) {
      expect(formatOmniCron({ ...base, dayOfWeek: list(...values) })).toBe(`0 9 ? * ${expected} *`);
    }
  });

  it('puts ? in day-of-week when day-of-month is constrained, otherwise in day-of-month', () => {
    expect(formatOmniCron({ ...base, dayOfMonth: list(1, 15), dayOfWeek: { kind: 'any' } })).toBe(
      '0 9 1,15 * ? *',
    );
    expect(formatOmniCron({ ...base, dayOfMonth: { kind: 'any' }, dayOfWeek: { kind: 'none' } })).toBe(
      '0 9 ? * * *',
    );
    expect(formatOmniCron({ ...base, dayOfMonth: { kind: 'last' }, dayOfWeek: { kind: 'none' } })).toBe(
      '0 9 L * ? *',
    );
    expect(
      formatOmniCron({ ...base, dayOfMonth: { kind: 'none' }, dayOfWeek: { kind: 'nthWeekday', weekday: 2, nth: 1 } }),
    ).toBe('0 9 ? * MON#1 *');
    expect(formatOmniCron({ ...base, dayOfWeek: { kind: 'lastOfWeekday', weekday: 6 } })).toBe('0 9 ? * FRIL *');
  });

  it('writes months numerically and years only when restricted', () => {
    expect(formatOmniCron({ ...base, dayOfMonth: list(1), month: list(1, 4, 7, 10) })).toBe('0 9 1 1,4,7,10 ? *');
    expect(formatOmniCron({ ...base, month: list(6, 7, 8) })).toBe('0 9 ? 6-8 * *');
    expect(formatOmniCron({ ...base, year: list(2027) })).toBe('0 9 ? * * 2027');
  });

  it('refuses a cron no reader would produce', () => {
    expect(() => formatOmniCron({ ...base, dayOfMonth: list(1), dayOfWeek: list(2) })).toThrow(InvalidCronError);
    expect(() => formatOmniCron({ ...base, minute: list(60) })).toThrow(/minute: 60 is out of range/);
    expect(() => formatOmniCron({ ...base, hour: list() })).toThrow(/empty list/);
    expect(() => formatOmniCron({ ...base, dayOfWeek: { kind: 'nthWeekday', weekday: 2, nth: 6 } })).toThrow(
      /# takes 1 to 5/,
    );
    expect(() => formatOmniCron({ ...base, minute: { kind: 'last' } })).toThrow(/minute cannot be last/);
  });
});

describe('round trips', () => {
  // Lenient spellings of the same schedules; formatting then strict reading must be a fixed point.
  const lenient = [
    '00 09 ? * 2,3,4,5,6 *',
    '0 */6 * * ? *',
    '*/5 * * * ? *',
    '0 9 ? * 1-7 *',
    '0 9 ? * 2/2 *',
    '0 9 ? * SAT-MON *',
    '0 22-3 ? * * *',
    '0,15,30,45 9-17 ? * mon-fri *',
    '0 9 1-31 * ? *',
    '0 9 ? 1-12 * *',
    '0 9 ? jan,apr,jul,oct * *',
    '0 9 1 */3 ? *',
    '1,2,3,4,5 0 ? * * *',
    '0 0-23 ? * * *',
    '0 9 ? * 6#3 2026,2027,2028',
    '0 9 ? * 7L *',
    '30 8 15W 2 ? 2030-2032/2',
    '0 9 ? * ? *',
    '0 1/2 ? * * *',
    '59 23 31 12 ? 2199',
  ];
  it.each(lenient)('%s → canonical → strict read → same string', (expr) => {
    const once = formatOmniCron(read(expr));
    const twice = formatOmniCron(read(once, true));
    expect(twice).toBe(once);
  });

  it('keeps the meaning: a full day-of-week list reads as every day', () => {
    expect(canonical('0 9 ? * 1-7 *')).toBe('0 9 ? * * *');
    expect(canonical('0 9 1-31 * ? *')).toBe('0 9 ? * * *');
  });
});
