import { describe, expect, it } from '@jest/globals';
import { interpretSchedule } from '../../../src/schedule/interpret.js';
import { REFUSAL_CODES } from '../../../src/schedule/types.js';
import type { RefusalCode } from '../../../src/schedule/types.js';
import { SCHEDULE_CORPUS } from '../../fixtures/schedule-corpus.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const isCode = (s: string): s is RefusalCode => (REFUSAL_CODES as readonly string[]).includes(s);

describe('schedule corpus', () => {
  it('has at least 220 phrases and every refusal code', () => {
    expect(SCHEDULE_CORPUS.length).toBeGreaterThanOrEqual(220);
    const codes = new Set(SCHEDULE_CORPUS.map(([, e]) => e).filter(isCode));
    expect([...codes].sort()).toEqual([...REFUSAL_CODES].sort());
  });

  it.each(SCHEDULE_CORPUS.map(([phrase, expected, options]) => [phrase, expected, options?.min ?? 60, options?.tz ?? 'UTC'] as const))(
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
