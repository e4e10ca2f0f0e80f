import { describe, expect, it } from '@jest/globals';
import { checkRoutineForm, isAllowedEmailDomain, readEmailList } from '../../../src/routines/check-form.js';
import type { RoutineForm } from '../../../src/routines/types.js';
import { aCompleteForm } from '../../fixtures/routine-forms.js';

const now = new Date('2026-03-01T12:00:00Z');
const policy = { defaultTimezone: 'UTC', minIntervalMinutes: 60, allowedEmailDomains: ['acme.com'] };
// Delivered to a channel unless a test says otherwise.
const form = (over: Partial<RoutineForm>): RoutineForm => aCompleteForm({ delivery: 'channel', channelId: 'C0001', ...over });

describe('checkRoutineForm', () => {
  it('accepts a complete form and reads the schedule in the chosen zone', () => {
    const r = checkRoutineForm(form({}), policy, now);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.schedule).toMatchObject({ cron: '0 9 ? * MON-FRI *', timezone: 'America/New_York' });
  });

  it('names each missing field; a blank name is not one (the bot names it from the prompt)', () => {
    const r = checkRoutineForm(form({ name: ' ', prompt: '', schedule: '', modelId: '', channelId: undefined }), policy, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['channelId', 'modelId', 'prompt', 'schedule']);
    expect(checkRoutineForm(form({ name: '' }), policy, now).ok).toBe(true);
  });

  it('never takes a direct message as a channel destination, nor anything but a channel id', () => {
    const dm = checkRoutineForm(form({ channelId: 'D0001' }), policy, now);
    expect(!dm.ok && dm.errors.channelId).toMatch(/direct message, not a channel.*Send me a DM/);
    const forged = checkRoutineForm(form({ channelId: 'U0001' }), policy, now);
    expect(!forged.ok && forged.errors.channelId).toMatch(/Pick a channel/);
    expect(checkRoutineForm(form({ channelId: 'G0ABC123' }), policy, now).ok).toBe(true);
    expect(checkRoutineForm(form({ delivery: 'dm', channelId: 'D0001' }), policy, now).ok).toBe(true);
  });

  it('says that one of People and Other email addresses is needed, once, under People', () => {
    const none = checkRoutineForm(form({ delivery: 'email', emails: '', recipientUserIds: [] }), policy, now);
    expect(!none.ok && none.errors).toEqual({ recipients: expect.stringMatching(/one of the two is needed/) });
  });

  it('joins a reason that ends in "for example:" straight to its alternative', () => {
    const r = checkRoutineForm(form({ schedule: 'summarise the pipeline' }), policy, now);
    expect(!r.ok && r.errors.schedule).toMatch(/for example: every weekday at 9am$/);
    expect(!r.ok && r.errors.schedule).not.toMatch(/Try:/);
  });

  it('refuses schedules with the engine’s reason and alternative, and enforces the minimum interval', () => {
    const r = checkRoutineForm(form({ schedule: 'every 15 minutes' }), policy, now);
    expect(!r.ok && r.errors.schedule).toMatch(/Try:/);
    expect(checkRoutineForm(form({ schedule: 'every 15 minutes' }), { ...policy, minIntervalMinutes: 5 }, now).ok).toBe(true);
  });

  it('enforces email syntax, allowed domains and the 100-recipient cap on the server side', () => {
    const bad = checkRoutineForm(form({ delivery: 'email', emails: 'not-an-email, x@acme.com' }), policy, now);
    expect(!bad.ok && bad.errors.emails).toMatch(/Not an email address: not-an-email/);
    const outside = checkRoutineForm(form({ delivery: 'email', emails: 'eve@attacker.com' }), policy, now);
    expect(!outside.ok && outside.errors.emails).toMatch(/only email acme.com/);
    const none = checkRoutineForm(form({ delivery: 'email', emails: '' }), policy, now);
    expect(!none.ok && none.errors.recipients).toBeTruthy();
    const many = Array.from({ length: 101 }, (_, i) => `u${i}@acme.com`).join(',');
    const tooMany = checkRoutineForm(form({ delivery: 'email', emails: many }), policy, now);
    expect(!tooMany.ok && tooMany.errors.recipients).toMatch(/at most 100/);
    expect(checkRoutineForm(form({ delivery: 'email', emails: 'a@acme.com; <mailto:b@ACME.com|b@ACME.com>' }), policy, now).ok).toBe(true);
  });

  it('limits lengths and rejects an unknown zone', () => {
    const r = checkRoutineForm(form({ name: 'x'.repeat(256), prompt: 'y'.repeat(3001), timezone: 'Mars/Olympus' }), policy, now);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['name', 'prompt', 'timezone']);
  });
});

describe('email helpers', () => {
  it('splits on commas, semicolons and whitespace, unwrapping Slack mailto links', () => {
    expect(readEmailList(' a@x.com,b@y.com;\n<mailto:c@z.com|c@z.com> ')).toEqual(['a@x.com', 'b@y.com', 'c@z.com']);
  });
  it('compares domains case-insensitively and exactly (no suffix tricks)', () => {
    expect(isAllowedEmailDomain('A@ACME.COM', ['acme.com'])).toBe(true);
    expect(isAllowedEmailDomain('a@evilacme.com', ['acme.com'])).toBe(false);
    expect(isAllowedEmailDomain('a@acme.com.evil.io', ['acme.com'])).toBe(false);
    expect(isAllowedEmailDomain('a@anything.io', [])).toBe(true);
  });
});
