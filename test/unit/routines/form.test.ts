import { describe, expect, it } from '@jest/globals';
import { checkRoutineForm } from '../../../src/routines/check-form.js';
import { readStoredDraft, toStoredDraft } from '../../../src/routines/drafts.js';
import { EMPTY_FORM, FORM_MAX_LENGTH, type RoutineForm, readStoredForm } from '../../../src/routines/form.js';
import { createRequest, formFields } from '../../../src/routines/request.js';
import { aCompleteForm } from '../../fixtures/routine-forms.js';

const now = new Date('2026-03-01T12:00:00Z');
const policy = { defaultTimezone: 'UTC', minIntervalMinutes: 60, allowedEmailDomains: [] };
const form = aCompleteForm;

describe('the form schema', () => {
  it('gives the caps the modal and the checks use', () => {
    expect(FORM_MAX_LENGTH).toEqual({ name: 255, prompt: 3000, schedule: 500, emails: 3000, description: 1000 });
    for (const [field, max] of Object.entries(FORM_MAX_LENGTH)) {
      const over = { [field]: 'x'.repeat(max + 1), delivery: field === 'emails' ? 'email' : 'dm' } as Partial<RoutineForm>;
      const r = checkRoutineForm(form(over), policy, now);
      expect(!r.ok && r.errors[field as keyof RoutineForm]).toMatch(new RegExp(`under ${max} characters`));
    }
  });

  it('counts length as String.length does (emoji are two), like the modal', () => {
    // 1,500 emoji: 1,500 code points, 3,000 UTF-16 units.
    expect(checkRoutineForm(form({ prompt: '😀'.repeat(1500) }), policy, now).ok).toBe(true);
    const over = checkRoutineForm(form({ prompt: `${'😀'.repeat(1500)}x` }), policy, now);
    expect(!over.ok && over.errors.prompt).toBe('Keep the prompt under 3000 characters.');
  });

  it('says a blank prompt is missing before it says anything about its length', () => {
    const r = checkRoutineForm(form({ prompt: ' '.repeat(3001) }), policy, now);
    expect(!r.ok && r.errors.prompt).toBe('Tell the Omni Agent what to do on each run.');
  });
});

describe('stored forms and drafts', () => {
  it('reads back what was stored', () => {
    const stored = form({ topicName: 'Sales', branchId: 'b-1', delivery: 'email', recipientUserIds: ['U0001'], emails: 'a@acme.com' });
    expect(readStoredForm(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it('reads an older or damaged form field by field, losing only what cannot be read', () => {
    const read = readStoredForm({ name: 'Old', prompt: 'Kept', delivery: 'fax', recipientUserIds: ['U0001', 7], modelName: 3, extra: true });
    expect(read).toEqual({ ...EMPTY_FORM, name: 'Old', prompt: 'Kept', recipientUserIds: ['U0001'] });
    expect(readStoredForm(null)).toEqual(EMPTY_FORM);
    expect(readStoredForm('a string')).toEqual(EMPTY_FORM);
  });

  it('keeps a value over a cap (the submit check says so) rather than dropping the user’s text', () => {
    expect(readStoredForm({ ...EMPTY_FORM, name: 'n'.repeat(300) }).name).toHaveLength(300);
  });

  it('tells an edit draft by its routine and base, and ignores an unreadable one', () => {
    const base = { updatedAt: '2026-03-01T00:00:00Z', fields: { name: 'abc', prompt: 'def' } };
    const draft = JSON.parse(JSON.stringify(toStoredDraft(form(), { routineId: 'r-1', base }))) as unknown;
    expect(readStoredDraft(draft)).toEqual({ form: form(), edit: { routineId: 'r-1', base } });
    expect(readStoredDraft({ ...form(), edit: { routineId: 'r-1' } })).toEqual({ form: form() });
    expect(readStoredDraft({ ...form(), edit: { routineId: 'r-1', base: { updatedAt: 'x', fields: { name: 'abc', odd: 1 } } } }).edit?.base.fields).toEqual({ name: 'abc' });
  });
});

describe('the Omni request of a checked form', () => {
  it('is built from what was checked: trimmed text, the schedule as cron in its zone, optional fields only when set', () => {
    const checked = checkRoutineForm(form({ name: ' Brief ', prompt: ' Go ', description: '  ' }), policy, now);
    if (!checked.ok) throw new Error('expected a valid form');
    const destination = { type: 'slack' as const, slackRecipientType: 'users' as const, recipientId: 'U0001' };
    expect(createRequest(checked, destination)).toEqual({
      name: 'Brief',
      modelId: 'm-1',
      prompt: 'Go',
      schedule: checked.schedule.cron,
      timezone: 'America/New_York',
      destination,
    });
    // An update clears an optional field the user emptied.
    expect(formFields(checked)).toMatchObject({ description: null, topicName: null, branchId: null });
  });
});
