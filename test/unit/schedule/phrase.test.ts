import { describe, expect, it } from '@jest/globals';
import { correctTypo, measureEditDistance, tokenisePhrase } from '../../../src/schedule/normalise.js';
import { parseSchedulePhrase } from '../../../src/schedule/phrase/index.js';
import { emitOmniCron } from '../../../src/schedule/emit.js';
import { renderPhrase } from '../../../src/schedule/refusals.js';

describe('tokenisePhrase', () => {
  it('keeps offsets into the original text for every token', () => {
    const text = 'Every Mon–Fri @ 9:30 p.m., London time';
    const tokens = tokenisePhrase(text);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Every', 'Mon', '–', 'Fri', '@', '9:30 p.m.', ',', 'London', 'time']);
    expect(tokens[5]).toMatchObject({ kind: 'time', hour: 9, minute: 30, meridiem: 'pm' });
  });

  it('reads IANA zones in any case and splits day lists written with slashes', () => {
    expect(tokenisePhrase('america/new_york')[0]).toMatchObject({ kind: 'zone', zone: 'America/New_York' });
    expect(tokenisePhrase('mon/wed').map((t) => (t.kind === 'word' ? t.text : t.kind))).toEqual(['monday', 'symbol', 'wednesday']);
  });

  it('tells 24-hour clock times from bare ones', () => {
    expect(tokenisePhrase('09:30')[0]).toMatchObject({ kind: 'time', twentyFour: true });
    expect(tokenisePhrase('9:30')[0]).toMatchObject({ kind: 'time', twentyFour: false });
    expect(tokenisePhrase('17h30')[0]).toMatchObject({ kind: 'time', hour: 17, minute: 30, twentyFour: true });
  });
});

describe('typo correction', () => {
  it.each([
    ['wendesday', 'wednesday'],
    ['thrusday', 'thursday'],
    ['evry', 'every'],
    ['montly', 'monthly'],
    ['tommorow', 'tomorrow'],
  ])('%s → %s', (typo, word) => {
    const tokens = tokenisePhrase(typo);
    expect(tokens[0]).toMatchObject({ kind: 'word', text: word });
  });

  it('leaves ordinary words alone', () => {
    for (const word of ['summarise', 'revenue', 'pipeline', 'month', 'past', 'report', 'deals']) expect(correctTypo(word)).toBeNull();
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(measureEditDistance('thrusday', 'thursday')).toBe(1);
    expect(measureEditDistance('abc', 'abc')).toBe(0);
    expect(measureEditDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('parseSchedulePhrase', () => {
  const timesOf = (phrase: string) => {
    const parsed = parseSchedulePhrase(phrase);
    if (!parsed.ok) return parsed.refusal.code;
    // joined parts come back merged into one cron
    const { minute, hour } = parsed.cron ?? {};
    if (minute?.kind === 'list' && hour?.kind === 'list') return hour.values.flatMap((h) => minute.values.map((m) => `${h}:${String(m).padStart(2, '0')}`));
    return parsed.ir.times.map((t) => `${t.hour}:${String(t.minute).padStart(2, '0')}`);
  };

  it.each([
    ['every day at 7', ['7:00']],
    ['every day at 11', ['11:00']],
    ['every day at 12', ['12:00']],
    ['every day at 1', ['13:00']],
    ['every day at 6', ['18:00']],
    ['every day at 0', ['0:00']],
    ['every day at 6 in the morning', ['6:00']],
    ['every day at 11 at night', ['23:00']],
    ['every evening at 8', ['20:00']],
    ['every day at 12am', ['0:00']],
    ['every day at 12pm', ['12:00']],
    ['every day at half 8', ['8:30']],
    ['every day at 8 in the morning and 6 in the evening', ['8:00', '18:00']],
  ])('reads the time in %j as %j', (phrase, expected) => {
    expect(timesOf(phrase)).toEqual(expected);
  });

  it('keeps the zone out of the times and days', () => {
    const parsed = parseSchedulePhrase('every weekday at 9am eastern');
    expect(parsed.ok && parsed.ir).toEqual({ times: [{ hour: 9, minute: 0 }], days: [{ kind: 'weekdays', days: [2, 3, 4, 5, 6] }], months: [], years: [], zone: 'America/New_York' });
  });

  it('marks a bare time as a weak refusal (not worth showing in free text) and a one-off as a strong one', () => {
    expect(parseSchedulePhrase('at 9am')).toMatchObject({ ok: false, weak: true, refusal: { code: 'ambiguous' } });
    expect(parseSchedulePhrase('tomorrow at 9am')).toMatchObject({ ok: false, weak: false, refusal: { code: 'one_off' } });
  });

  it('counts the words it could not read', () => {
    expect(parseSchedulePhrase('every monday summarise churn')).toMatchObject({ ok: false, unknown: 2, refusal: { code: 'not_a_schedule' } });
  });

  it('names the words it could not read in the refusal', () => {
    const parsed = parseSchedulePhrase('every monday at 9 banana');
    expect(parsed.ok ? '' : parsed.refusal.message).toContain('"banana"');
    expect(parsed.ok ? '' : parsed.refusal.alternative).toBe('every monday at 9am');
  });
});

describe('renderPhrase', () => {
  it.each([
    'every weekday at 9am',
    'every monday, wednesday and friday at 10:30am',
    'on the 1st and 15th of every month at noon',
    'on the last friday of every month at 4pm',
    'on the first business day of every month at 9am',
    'every 2 hours from 9am to 5pm every weekday',
    'every day in june and july at midnight',
    'every monday in 2027 at 9am',
  ])('writes %j so that it reads back to the same schedule', (phrase) => {
    const parsed = parseSchedulePhrase(phrase);
    if (!parsed.ok) throw new Error(`${phrase}: ${parsed.refusal.code}`);
    const again = parseSchedulePhrase(renderPhrase(parsed.ir));
    if (!again.ok) throw new Error(`${renderPhrase(parsed.ir)}: ${again.refusal.code}`);
    expect(emitOmniCron(again.ir)).toEqual(emitOmniCron(parsed.ir));
  });
});
