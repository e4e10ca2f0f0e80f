import { describe, expect, it } from '@jest/globals';
import { buildOption, buildTimezoneLabel, buildTimezoneOptions } from '../../../../src/slack/views/index.js';

const WINTER = new Date('2026-01-12T12:00:00Z');
const SUMMER = new Date('2026-07-12T12:00:00Z');

const values = (query: string, preferred?: string[], now = WINTER) =>
  buildTimezoneOptions(query, { now, ...(preferred ? { preferred } : {}) }).map((o) => o.value);

describe('buildTimezoneOptions', () => {
  it('labels zones with their offset at the given instant', () => {
    expect(buildTimezoneLabel('Europe/London', WINTER)).toBe('Europe/London (UTC+00:00)');
    expect(buildTimezoneLabel('Europe/London', SUMMER)).toBe('Europe/London (UTC+01:00)');
    expect(buildTimezoneLabel('America/New_York', WINTER)).toBe('America/New_York (UTC\u221205:00)');
    expect(buildTimezoneLabel('Asia/Kolkata', WINTER)).toBe('Asia/Kolkata (UTC+05:30)');
    expect(buildTimezoneLabel('Not/AZone', WINTER)).toBe('Not/AZone');
  });

  it('finds zones by city with spaces or underscores, any case', () => {
    expect(values('new york')).toEqual(['America/New_York']);
    expect(values('NEW_YORK')).toEqual(['America/New_York']);
    expect(values('london')).toEqual(['Europe/London']);
    expect(values('America/Los_Angeles')).toEqual(['America/Los_Angeles']);
  });

  it('knows everyday words and current names of renamed zones', () => {
    expect(values('pst')).toEqual(['America/Los_Angeles']);
    expect(values('eastern')[0]).toBe('America/New_York');
    expect(values('kolkata')).toEqual(['Asia/Kolkata']);
    expect(values('calcutta')).toEqual(['Asia/Kolkata']);
    expect(values('kyiv')).toEqual(['Europe/Kyiv']);
    expect(values('utc')[0]).toBe('UTC');
  });

  it('matches a UTC offset, in the season of `now`', () => {
    expect(values('+05:30')).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Asia/Colombo']));
    expect(values('utc+5:30')).toContain('Asia/Kolkata');
    expect(values('utc-5', undefined, WINTER)).toContain('America/New_York');
    expect(values('utc-5', undefined, SUMMER)).not.toContain('America/New_York');
    expect(values('utc-4', undefined, SUMMER)).toContain('America/New_York');
  });

  it('puts preferred zones first when they match, and only once', () => {
    const all = values('', ['Asia/Kolkata', 'UTC', 'Asia/Kolkata', 'Bogus/Zone']);
    expect(all.slice(0, 2)).toEqual(['Asia/Kolkata', 'UTC']);
    expect(all.filter((z) => z === 'Asia/Kolkata')).toHaveLength(1);
    expect(all).not.toContain('Bogus/Zone');
    expect(values('europe', ['Europe/Paris'])[0]).toBe('Europe/Paris');
    expect(values('london', ['Asia/Tokyo'])).toEqual(['Europe/London']);
  });

  it('ranks exact and prefix matches above substrings', () => {
    expect(values('paris')[0]).toBe('Europe/Paris');
    const lon = values('lon');
    expect(lon.slice(0, 2).sort()).toEqual(['Arctic/Longyearbyen', 'Europe/London']);
    expect(lon).toContain('America/Blanc-Sablon');
  });

  it('returns at most 100 options within Slack limits, values being zone names', () => {
    const options = buildTimezoneOptions('', { now: WINTER });
    expect(options).toHaveLength(100);
    expect(options[0]?.value).toBe('UTC');
    for (const option of options) {
      expect(option.text.text.length).toBeLessThanOrEqual(75);
      expect(option.text.text.startsWith(option.value ?? '')).toBe(true);
    }
    const everyZone = Intl.supportedValuesOf('timeZone').length;
    expect(everyZone).toBeGreaterThan(300);
  });

  it('returns nothing for nonsense', () => {
    expect(values('qqqzzz')).toEqual([]);
  });
});

describe('buildOption', () => {
  it('clamps text to 75 and value to 150', () => {
    const option = buildOption('x'.repeat(100), 'v'.repeat(200));
    expect(option.text.text).toHaveLength(75);
    expect(option.text.text.endsWith('…')).toBe(true);
    expect(option.value).toHaveLength(150);
  });

  it('shows the value when the text is blank', () => {
    expect(buildOption('  ', 'id-1').text.text).toBe('id-1');
  });
});
