import { describe, expect, it } from '@jest/globals';
import { interpretSchedule, resolveSchedule } from '../../../src/schedule/interpret.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const options = { timezone: 'UTC', now: NOW };

describe('interpretSchedule', () => {
  it('answers with the canonical cron, the zone, words, next runs with the zone offset, and warnings', () => {
    expect(interpretSchedule('every weekday at 9am', { timezone: 'America/New_York', now: new Date('2026-03-06T15:00:00Z') })).toEqual({
      input: 'every weekday at 9am',
      ok: true,
      cron: '0 9 ? * MON-FRI *',
      timezone: 'America/New_York',
      description: expect.any(String),
      nextRuns: ['2026-03-09T09:00:00.000-04:00', '2026-03-10T09:00:00.000-04:00', '2026-03-11T09:00:00.000-04:00'],
      warnings: expect.any(Array),
      assumed: [],
    });
  });

  it.each([
    ['every morning', ['“morning” read as 9:00 AM']],
    ['every day at 5', ['“5” read as 5:00 PM']],
    ['weekly', ['no day given: Monday', 'no time given: 9:00 AM']],
    ['every day at lunchtime', ['“lunchtime” read as 12:00 PM']],
    ['quarterly on the 15th at 8am', ['each quarter read as January, April, July and October']],
    ['every weekday at 9am', []],
    ['every day at 17:30', []],
  ])('shows what a convention filled in for %j as assumed', (phrase, assumed) => {
    const r = interpretSchedule(phrase, options);
    expect(r.ok ? r.assumed : r.error).toEqual(assumed);
  });

  it('lets a zone named in the phrase win over the default zone, without touching the cron', () => {
    const r = interpretSchedule('every day at 9am Sydney time', { timezone: 'Europe/London', now: NOW });
    expect(r).toMatchObject({ ok: true, cron: '0 9 ? * * *', timezone: 'Australia/Sydney', nextRuns: ['2026-01-16T09:00:00.000+11:00', expect.any(String), expect.any(String)] });
  });

  it('honours count', () => {
    const r = interpretSchedule('daily', { ...options, count: 7 });
    expect(r.ok && r.nextRuns).toHaveLength(7);
  });

  it('applies the minimum interval from the options', () => {
    expect(interpretSchedule('every 30 minutes', { ...options, minIntervalMinutes: 30 })).toMatchObject({ ok: true, cron: '0/30 * ? * * *' });
    expect(interpretSchedule('every 30 minutes', { ...options, minIntervalMinutes: 31 })).toMatchObject({ ok: false, error: { code: 'too_frequent', alternative: 'every hour' } });
    expect(interpretSchedule('every 2 hours on weekdays', { ...options, minIntervalMinutes: 180 })).toMatchObject({ ok: false, error: { code: 'too_frequent', alternative: 'every 3 hours on weekdays' } });
  });

  it('accepts a six-field Omni cron as is, written canonically', () => {
    expect(interpretSchedule('00 09 ? * 2,3,4,5,6 *', options)).toMatchObject({ ok: true, cron: '0 9 ? * MON-FRI *' });
  });

  it('refuses a five-field unix cron with the Omni equivalent as the alternative', () => {
    expect(interpretSchedule('0 9 * * 1-5', options)).toMatchObject({ ok: false, error: { code: 'dialect_unsupported', alternative: '0 9 ? * MON-FRI *' } });
    expect(interpretSchedule('30 8 * * 0', options)).toMatchObject({ ok: false, error: { alternative: '30 8 ? * SUN *' } });
    expect(interpretSchedule('0 9 1 * 1', options)).toMatchObject({ ok: false, error: { code: 'dialect_unsupported', message: expect.stringContaining('two Omni schedules') } });
  });

  it('refuses a seconds-first six-field cron with the Omni form', () => {
    expect(interpretSchedule('0 0 9 * * MON-FRI', options)).toMatchObject({ ok: false, error: { code: 'dialect_unsupported', alternative: '0 9 ? * MON-FRI *' } });
  });

  it('refuses dates no calendar has, and years that are over', () => {
    expect(interpretSchedule('every february 30th', options)).toMatchObject({ ok: false, error: { code: 'invalid_datetime' } });
    expect(interpretSchedule('every monday in 2025', options)).toMatchObject({ ok: false, error: { code: 'invalid_datetime', alternative: 'every monday at 9am' } });
  });

  it('keeps the input exactly as typed, chatter included', () => {
    expect(interpretSchedule('  please run it every monday  ', options)).toMatchObject({ ok: true, input: '  please run it every monday  ', cron: '0 9 ? * MON *' });
  });

  it('gives alternatives that keep the rest of the request', () => {
    expect(interpretSchedule('every monday at 9am until december', options)).toMatchObject({ error: { code: 'unsupported_bounds', alternative: 'every monday at 9am' } });
    expect(interpretSchedule('every 90 minutes on weekdays', options)).toMatchObject({ error: { code: 'interval_not_expressible', alternative: 'every hour on weekdays' } });
    expect(interpretSchedule('every weekday at 9:30am and 4pm eastern', options)).toMatchObject({
      error: { code: 'needs_multiple_schedules', alternative: 'every weekday at 9:30am America/New_York' },
    });
  });

  it('resolveSchedule stops at the cron and runs', () => {
    const r = resolveSchedule('every day at noon', options);
    expect(r.ok && { text: r.text, zone: r.zone, runs: r.runs.map((d) => d.toISO()) }).toEqual({
      text: '0 12 ? * * *',
      zone: 'UTC',
      runs: ['2026-01-16T12:00:00.000Z', '2026-01-17T12:00:00.000Z', '2026-01-18T12:00:00.000Z'],
    });
  });
});

describe('alternatives use only numbers from the schedule', () => {
  it.each([
    ['every other week top 5 deals', 'not_a_schedule', '5'],
    ['tomorrow at 9 for the top 5 accounts', 'not_a_schedule', '5'],
    ['every 90 minutes on weekdays for the top 5', 'not_a_schedule', '5'],
    ['when the top 3 accounts churn', 'event_trigger', '3'],
  ])('%j → %s, and the alternative never holds %s', (phrase, code, leak) => {
    const r = interpretSchedule(phrase, { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') });
    expect(r.ok ? r.cron : r.error.code).toBe(code);
    if (!r.ok) {
      expect(r.error.alternative).not.toContain(leak);
      const back = interpretSchedule(r.error.alternative, { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') });
      expect(back.ok).toBe(true);
    }
  });
});

describe('words that are names of built-in object properties', () => {
  it.each(['every constructor at 9', 'every monday except constructor', '__proto__ every day', 'every toString', 'daily at 9 except valueOf', 'every hasOwnProperty and monday'])(
    '%j is an unknown word, not a crash',
    (phrase) => {
      const r = interpretSchedule(phrase, { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') });
      expect(r.ok ? r.cron : r.error.code).toBe('not_a_schedule');
    },
  );
});
