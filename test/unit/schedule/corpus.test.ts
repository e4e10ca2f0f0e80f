import { describe, expect, it } from '@jest/globals';
import { scanScheduleInText } from '../../../src/schedule/find-in-text.js';
import { interpretSchedule } from '../../../src/schedule/interpret.js';
import { tokenisePhrase } from '../../../src/schedule/normalise.js';
import { parseSchedulePhrase } from '../../../src/schedule/phrase/index.js';
import { REFUSAL_CODES } from '../../../src/schedule/types.js';
import type { RefusalCode } from '../../../src/schedule/types.js';
import { SCHEDULE_CORPUS } from '../../fixtures/schedule-corpus.js';
import { ALTERNATIVE_CASES, COMPOUND_CORPUS } from '../../fixtures/schedule-corpus-compound.js';
import { QUICK_CREATE_CORPUS } from '../../fixtures/quick-create-corpus.js';
import { RED_TEAM_ALTERNATIVES, RED_TEAM_CORPUS, RED_TEAM_QUICK_CREATE } from '../../fixtures/schedule-corpus-redteam.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const isCode = (s: string): s is RefusalCode => (REFUSAL_CODES as readonly string[]).includes(s);
const ALL = [...SCHEDULE_CORPUS, ...COMPOUND_CORPUS, ...RED_TEAM_CORPUS];
const ALTERNATIVES = [...ALTERNATIVE_CASES, ...RED_TEAM_ALTERNATIVES];
const QUICK_CREATE = [...QUICK_CREATE_CORPUS, ...RED_TEAM_QUICK_CREATE];

describe('schedule corpus', () => {
  it('has at least 220 phrases and every refusal code', () => {
    expect(SCHEDULE_CORPUS.length).toBeGreaterThanOrEqual(220);
    const codes = new Set(SCHEDULE_CORPUS.map(([, e]) => e).filter(isCode));
    expect([...codes].sort()).toEqual([...REFUSAL_CODES].sort());
  });

  it.each(ALL.map(([phrase, expected, options]) => [phrase, expected, options?.min ?? 60, options?.tz ?? 'UTC'] as const))(
    '%j → %s (min interval %d)',
    (phrase, expected, min, tz) => {
      const result = interpretSchedule(phrase, { timezone: 'UTC', now: NOW, minIntervalMinutes: min });
      if (isCode(expected)) {
        expect(result.ok ? `accepted as ${result.cron}` : result.error.code).toBe(expected);
        if (result.ok) return;
        expect(result.error.message.length).toBeGreaterThan(10);
        // the alternative is something the engine itself accepts when typed back
        const back = interpretSchedule(result.error.alternative, { timezone: 'UTC', now: NOW, minIntervalMinutes: min });
        expect(back.ok ? 'ok' : `${result.error.alternative} → ${back.error.code}`).toBe('ok');
      } else {
        expect(result.ok ? result.cron : `refused ${result.error.code}: ${result.error.message}`).toBe(expected);
        if (!result.ok) return;
        expect(result.timezone).toBe(tz);
        expect(result.nextRuns).toHaveLength(3);
        expect(result.description.length).toBeGreaterThan(3);
      }
    },
  );
});

describe('token accounting', () => {
  // Every word of every phrase of every corpus is used by the schedule or is known filler; a phrase with any other
  // word is refused, and the refusal names what was not understood.
  const phrases = [...new Set([...ALL.map(([p]) => p), ...ALTERNATIVES.map(([p]) => p), ...QUICK_CREATE.map(([l]) => l)])];

  it.each(phrases)('%j: accepted only when every token is accounted for', (phrase) => {
    const parsed = parseSchedulePhrase(phrase);
    expect(parsed.roles).toHaveLength(tokenisePhrase(phrase).length);
    const unknown = parsed.roles.filter((r) => r === 'unknown').length;
    if (parsed.ok) expect(unknown).toBe(0);
    else if (unknown > 0) {
      expect(parsed.refusal.code === 'not_a_schedule' || parsed.refusal.code === 'ambiguous' || parsed.unknown > 0).toBe(true);
    }
  });

  it('names the words it did not understand', () => {
    const parsed = parseSchedulePhrase('every monday at 9 for the sales team');
    expect(parsed).toMatchObject({ ok: false, refusal: { code: 'not_a_schedule' } });
    if (!parsed.ok) expect(parsed.refusal.message).toContain('for the sales team');
  });
});

describe('alternatives keep what the user said', () => {
  it.each(ALTERNATIVES.map(([phrase, code, must, mustNot, options]) => [phrase, code, must, mustNot, options?.min ?? 60] as const))(
    '%j → %s',
    (phrase, code, must, mustNot, min) => {
      const result = interpretSchedule(phrase, { timezone: 'UTC', now: NOW, minIntervalMinutes: min });
      expect(result.ok ? `accepted as ${result.cron}` : result.error.code).toBe(code);
      if (result.ok) return;
      const alternative = result.error.alternative.toLowerCase();
      // joined schedules: the message names every part, the alternative is the first one (typed back, it works)
      const shown = code === 'needs_multiple_schedules' ? `${result.error.message} ${alternative}`.toLowerCase() : alternative;
      for (const word of must) expect(shown).toContain(word.toLowerCase());
      for (const word of mustNot) expect(alternative).not.toContain(word.toLowerCase());
      const back = interpretSchedule(result.error.alternative, { timezone: 'UTC', now: NOW, minIntervalMinutes: min });
      expect(back.ok ? 'ok' : `${result.error.alternative} → ${back.error.code}`).toBe('ok');
    },
  );
});

describe('quick create corpus', () => {
  it.each(QUICK_CREATE.map(([line, expected]) => [line, expected] as const))('%j', (line, expected) => {
    const scan = scanScheduleInText(line, { timezone: 'UTC', now: NOW });
    if (expected === null) {
      expect(scan.found).toBe('none');
      expect(scan.prompt).toBe(line.trim());
    } else if ('cron' in expected) {
      expect(scan.found === 'schedule' ? { cron: scan.schedule.cron, prompt: scan.prompt, tz: scan.schedule.timezone } : scan).toEqual({
        cron: expected.cron,
        prompt: expected.prompt,
        tz: expected.tz ?? 'UTC',
      });
    } else {
      expect(scan.found === 'refusal' ? { code: scan.refusal.error.code, prompt: scan.prompt } : scan).toEqual(expected);
    }
  });
});
