import { describe, expect, it } from '@jest/globals';
import { buildPromptAround, findScheduleInText, findScheduleRefusalInText, scanScheduleInText } from '../../../src/schedule/find-in-text.js';

const OPTIONS = { timezone: 'UTC', now: new Date('2026-01-15T12:00:00Z') };

describe('findScheduleInText', () => {
  it.each([
    ["every weekday at 9am summarise yesterday's pipeline", 'every weekday at 9am', '0 9 ? * MON-FRI *', "summarise yesterday's pipeline"],
    ['summarise churn every monday at 8', 'every monday at 8', '0 8 ? * MON *', 'summarise churn'],
    ['post the churn report every monday at 8 to #sales', 'every monday at 8', '0 8 ? * MON *', 'post the churn report to #sales'],
    ['every weekday at 9am: summarise the pipeline', 'every weekday at 9am', '0 9 ? * MON-FRI *', 'summarise the pipeline'],
    ['every weekday at 9am to summarise the pipeline', 'every weekday at 9am', '0 9 ? * MON-FRI *', 'summarise the pipeline'],
    ['on the 1st of every month, send the revenue summary', 'on the 1st of every month', '0 9 1 * ? *', 'send the revenue summary'],
    ['summarise the top 5 deals every monday', 'every monday', '0 9 ? * MON *', 'summarise the top 5 deals'],
    ['summarise churn, every monday', 'every monday', '0 9 ? * MON *', 'summarise churn'],
    ["every friday at 4pm eastern recap the week's wins", 'every friday at 4pm eastern', '0 16 ? * FRI *', "recap the week's wins"],
    ['Every Monday at 9 — list open opportunities over 50k', 'Every Monday at 9', '0 9 ? * MON *', 'list open opportunities over 50k'],
    ['first monday of the month at 8:30 review quotas', 'first monday of the month at 8:30', '30 8 ? * MON#1 *', 'review quotas'],
    ['summarise revenue for Q1 every monday', 'every monday', '0 9 ? * MON *', 'summarise revenue for Q1'],
    ['daily summarise active users', 'daily', '0 9 ? * * *', 'summarise active users'],
    ['mon-fri at 7:30am list overdue invoices', 'mon-fri at 7:30am', '30 7 ? * MON-FRI *', 'list overdue invoices'],
    ['last business day of the month close-out summary', 'last business day of the month', '0 9 LW * ? *', 'close-out summary'],
    ['quarterly board metrics recap', 'quarterly', '0 9 1 1,4,7,10 ? *', 'board metrics recap'],
    ['send pipeline changes to #revops every 2 hours between 9am and 5pm on weekdays', 'every 2 hours between 9am and 5pm on weekdays', '0 9-17/2 ? * MON-FRI *', 'send pipeline changes to #revops'],
    ['weekly on friday: wins and losses', 'weekly on friday', '0 9 ? * FRI *', 'wins and losses'],
    ['evry wendesday at 10am churn digest', 'evry wendesday at 10am', '0 10 ? * WED *', 'churn digest'],
    ['at 6pm every day summarise support tickets', 'at 6pm every day', '0 18 ? * * *', 'summarise support tickets'],
  ])('%j → schedule %j', (text, scheduleText, cron, prompt) => {
    const found = findScheduleInText(text, OPTIONS);
    expect(found && { scheduleText: found.scheduleText, cron: found.schedule.cron, prompt: found.prompt }).toEqual({ scheduleText, cron, prompt });
  });

  it('puts a zone named in the text into the timezone', () => {
    expect(findScheduleInText('every monday at 9am London time recap', OPTIONS)?.schedule.timezone).toBe('Europe/London');
  });

  it.each([
    'summarise the pipeline',
    'summarise the weekly pipeline',
    'summarise daily active users',
    'what happened last week in sales',
    'meet at 9am and review',
    'top 10 accounts by revenue',
  ])('finds nothing in %j', (text) => {
    expect(findScheduleInText(text, OPTIONS)).toBeNull();
    expect(findScheduleRefusalInText(text, OPTIONS)).toBeNull();
  });
});

describe('findScheduleRefusalInText', () => {
  it.each([
    ['every other week post the churn report', 'every other week', 'interval_not_expressible', 'post the churn report'],
    ['tomorrow at 3pm send the board deck', 'tomorrow at 3pm', 'one_off', 'send the board deck'],
    ['every 90 minutes check the queue', 'every 90 minutes', 'interval_not_expressible', 'check the queue'],
    ['every monday at 9am until december summarise churn', 'every monday at 9am until december', 'unsupported_bounds', 'summarise churn'],
    ['every 15 minutes check for new leads', 'every 15 minutes', 'too_frequent', 'check for new leads'],
    ['twice a day check the queue', 'twice a day', 'ambiguous', 'check the queue'],
  ])('%j → refusal for %j', (text, scheduleText, code, prompt) => {
    const found = findScheduleRefusalInText(text, OPTIONS);
    expect(found && { scheduleText: found.scheduleText, code: found.refusal.error.code, prompt: found.prompt }).toEqual({ scheduleText, code, prompt });
    expect(findScheduleInText(text, OPTIONS)).toBeNull();
  });

  it('reports a condition as an alert, not a schedule', () => {
    expect(scanScheduleInText('when a deal closes post to #sales', OPTIONS)).toMatchObject({ found: 'refusal', refusal: { error: { code: 'event_trigger' } } });
  });
});

describe('buildPromptAround', () => {
  it('keeps the words around a schedule in the middle and drops joining words at the edges', () => {
    const text = 'post it every monday to #sales';
    expect(buildPromptAround(text, 8, 20)).toBe('post it to #sales');
    expect(buildPromptAround('every monday - to post it', 0, 12)).toBe('post it');
    expect(buildPromptAround('post it, and every monday', 13, 25)).toBe('post it');
  });
});

describe('quick create across the line', () => {
  it.each([
    ['every thursday post the numbers at 2pm', '0 14 ? * THU *', 'post the numbers'],
    ['at 7am post overdue invoices every weekday', '0 7 ? * MON-FRI *', 'post overdue invoices'],
    ['on fridays post a weekly summary at 4', '0 16 ? * FRI *', 'post a weekly summary'],
    // a time inside the prompt stays there when the schedule has its own
    ['at 11am every wednesday summarise notes about the 3pm standup', '0 11 ? * WED *', 'summarise notes about the 3pm standup'],
    ['every monday list deals closing before 3/31', '0 9 ? * MON *', 'list deals closing before 3/31'],
  ])('%j → %s, prompt %j', (line, cron, prompt) => {
    const scan = scanScheduleInText(line, OPTIONS);
    expect(scan.found === 'schedule' ? { cron: scan.schedule.cron, prompt: scan.prompt } : scan).toEqual({ cron, prompt });
  });

  it('refuses a line holding two schedules instead of taking the first', () => {
    const scan = scanScheduleInText('every monday at 9am post churn and every friday at 5pm post wins', OPTIONS);
    expect(scan).toMatchObject({ found: 'refusal', refusal: { error: { code: 'needs_multiple_schedules', alternative: 'every monday at 9am' } } });
    if (scan.found === 'refusal') expect(scan.refusal.error.message).toContain('every friday at 5pm');
  });
});
