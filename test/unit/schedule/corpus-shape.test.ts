/**
 * The shape of the schedule corpora, not the engine's answers (corpus.test.ts runs the engine): section sizes,
 * no phrase asked twice, every expected cron already canonical, every code and zone real, and every quick-create
 * prompt made of the line's own words in the line's order.
 */
import { describe, expect, it } from '@jest/globals';
import { IANAZone } from 'luxon';
import { formatOmniCron, readOmniCron } from '../../../src/schedule/cron.js';
import { REFUSAL_CODES } from '../../../src/schedule/types.js';
import { SCHEDULE_CORPUS } from '../../fixtures/schedule-corpus.js';
import type { CorpusCase } from '../../fixtures/schedule-corpus.js';
import {
  ALTERNATIVE_CASES,
  CHATTER_SHORTHAND,
  COMPOUND_CORPUS,
  COMPOUND_JOINED,
  DATES_MISC,
} from '../../fixtures/schedule-corpus-compound.js';
import { QUICK_CREATE_CORPUS } from '../../fixtures/quick-create-corpus.js';

const isCode = (s: string): boolean => (REFUSAL_CODES as readonly string[]).includes(s);

/**
 * A phrase is asked twice only if the same text comes with the same minimum interval. Case counts: SCHEDULE_CORPUS
 * asks "Every Day At 9AM" on purpose, next to "every day at 9am".
 */
const key = (phrase: string, min: number | undefined): string => `${phrase.trim()} @${min ?? 60}`;

function duplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
}

/** Why a cron is not canonical, or undefined when it is. */
function notCanonical(cron: string): string | undefined {
  const strict = readOmniCron(cron, { strict: true });
  if (!strict.ok) return strict.error;
  const again = formatOmniCron(strict.cron);
  return again === cron ? undefined : `formats as ${again}`;
}

const words = (text: string): string[] => text.toLowerCase().split(/\s+/).filter((w) => w !== '');

/** The prompt's words appear in the line, in the same order (punctuation glued to a word may be dropped). */
function isInOrder(prompt: string, line: string): boolean {
  const lineWords = words(line);
  let at = 0;
  for (const w of words(prompt)) {
    while (at < lineWords.length && lineWords[at]?.replace(/[,:;.!?]+$/, '') !== w && lineWords[at] !== w) at++;
    if (at === lineWords.length) return false;
    at++;
  }
  return true;
}

describe('compound corpus shape', () => {
  it('has the sections at their sizes, and COMPOUND_CORPUS is their concatenation', () => {
    expect(COMPOUND_JOINED.length).toBeGreaterThanOrEqual(110);
    expect(CHATTER_SHORTHAND.length).toBeGreaterThanOrEqual(60);
    expect(DATES_MISC.length).toBeGreaterThanOrEqual(40);
    expect(ALTERNATIVE_CASES.length).toBeGreaterThanOrEqual(15);
    expect(COMPOUND_CORPUS).toEqual([...COMPOUND_JOINED, ...CHATTER_SHORTHAND, ...DATES_MISC]);
  });

  it('asks no phrase twice, across every corpus', () => {
    const all: string[] = [
      ...[...SCHEDULE_CORPUS, ...COMPOUND_CORPUS].map(([phrase, , options]) => key(phrase, options?.min)),
      ...ALTERNATIVE_CASES.map(([phrase, , , , options]) => key(phrase, options?.min)),
      ...QUICK_CREATE_CORPUS.map(([line]) => key(line, undefined)),
    ];
    expect(duplicates(all)).toEqual([]);
    // the new corpus is new: none of its phrases is in SCHEDULE_CORPUS, whatever the interval
    const old = new Set(SCHEDULE_CORPUS.map(([phrase]) => key(phrase, undefined)));
    expect(COMPOUND_CORPUS.map(([phrase]) => phrase).filter((p) => old.has(key(p, undefined)))).toEqual([]);
  });

  it.each(COMPOUND_CORPUS.map((c): [string, CorpusCase] => [c[0], c]))('%j expects a canonical cron or a known code', (_, [, expected, options]) => {
    if (isCode(expected)) {
      expect(options?.tz).toBeUndefined(); // a refusal has no zone to check
    } else {
      expect(notCanonical(expected)).toBeUndefined();
    }
    if (options?.tz !== undefined) expect(IANAZone.isValidZone(options.tz)).toBe(true);
    if (options?.min !== undefined) expect(Number.isInteger(options.min) && options.min > 0).toBe(true);
  });

  it('lists alternatives with known codes and something to check', () => {
    for (const [phrase, code, mustContain, mustNotContain] of ALTERNATIVE_CASES) {
      expect({ phrase, known: isCode(code) }).toEqual({ phrase, known: true });
      expect({ phrase, checks: mustContain.length + mustNotContain.length > 0 }).toEqual({ phrase, checks: true });
      // a word cannot be both required and forbidden
      expect(mustContain.filter((w) => mustNotContain.some((n) => w.toLowerCase().includes(n.toLowerCase())))).toEqual([]);
    }
  });
});

describe('quick-create corpus shape', () => {
  it('has at least 45 lines, with schedules, refusals and lines without a schedule', () => {
    expect(QUICK_CREATE_CORPUS.length).toBeGreaterThanOrEqual(45);
    const kinds = new Set(QUICK_CREATE_CORPUS.map(([, e]) => (e === null ? 'none' : 'cron' in e ? 'cron' : 'code')));
    expect([...kinds].sort()).toEqual(['code', 'cron', 'none']);
  });

  it.each(QUICK_CREATE_CORPUS.filter(([, e]) => e !== null).map(([line, e]) => [line, e] as const))(
    '%j: a canonical cron or a known code, and a prompt made of the line’s words in order',
    (line, expected) => {
      if (expected === null) throw new Error('filtered above');
      if ('cron' in expected) {
        expect(notCanonical(expected.cron)).toBeUndefined();
        if (expected.tz !== undefined) expect(IANAZone.isValidZone(expected.tz)).toBe(true);
      } else {
        expect(isCode(expected.code)).toBe(true);
      }
      expect(expected.prompt.trim()).not.toBe('');
      expect(expected.prompt.length).toBeLessThan(line.length);
      expect(isInOrder(expected.prompt, line)).toBe(true);
    },
  );
});
