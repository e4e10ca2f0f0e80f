/**
 * Small Block Kit pieces shared by the view builders: text objects that respect Slack's limits, and dates worded
 * briefly in a zone. Everything here is pure.
 */
import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { DateTime } from 'luxon';
import { escapeForMrkdwn, truncateForSlack } from '../text.js';

/** Section and context mrkdwn text: ≤3000 characters. */
export const MAX_SECTION_TEXT = 3000;

/**
 * Text in which `emoji` can matter: a `:code:` or any character outside ASCII. Slack's docs do not give the field's
 * default, so such text says `emoji: true`; on plain ASCII without a colon (most labels) the field changes nothing
 * and is left out of the view.
 */
const MAY_HOLD_EMOJI = /[:\u0080-\uffff]/;

/** A plain_text object (shown literally by Slack, so user text goes in unescaped), cut to `max`. */
export function plainText(text: string, max = MAX_SECTION_TEXT): PlainTextElement {
  const shown = truncateForSlack(text.trim().length > 0 ? text : ' ', max);
  return MAY_HOLD_EMOJI.test(shown) ? { type: 'plain_text', text: shown, emoji: true } : { type: 'plain_text', text: shown };
}

/**
 * A mrkdwn object from text that is already safe (our own markup plus `escapeForMrkdwn`-ed user text), cut to `max`.
 * `verbatim` stops Slack from linking bare channel names and URLs inside user text.
 */
export function mrkdwn(text: string, max = MAX_SECTION_TEXT): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateForSlack(text, max), verbatim: true };
}

/** User text for mrkdwn: escaped, newlines flattened when `oneLine`, and cut to `max` after escaping. */
export function userText(text: string, max: number, { oneLine = true } = {}): string {
  const flat = oneLine ? text.replace(/\s+/g, ' ').trim() : text;
  return truncateForSlack(escapeForMrkdwn(flat), max);
}

/** User text inside `_…_` or `*…*`: markers inside would end the emphasis early, so they are softened. */
export function emphasised(marker: '*' | '_', text: string): string {
  const inner = text.replaceAll(marker, marker === '*' ? '∗' : ' ').trim();
  return inner.length > 0 ? `${marker}${inner}${marker}` : '';
}

/** Inline code for a value we produced (a cron): backticks inside would end the span. */
export function code(text: string): string {
  return `\`${escapeForMrkdwn(text.replaceAll('`', "'"))}\``;
}

function readInstant(iso: string, zone?: string): DateTime | undefined {
  let at = DateTime.fromISO(iso, { setZone: true });
  if (!at.isValid) return undefined;
  if (zone) {
    const inZone = at.setZone(zone);
    if (inZone.isValid) at = inZone;
  }
  return at.setLocale('en-US');
}

/** "Mon 12 Jan 9:00 AM" in `zone` (or the instant's own offset); the raw text if it is not an ISO date. */
export function formatRunTime(iso: string, zone?: string): string {
  const at = readInstant(iso, zone);
  return at ? at.toFormat('ccc d LLL h:mm a') : iso;
}

/** "12 Jan 9:01 AM" (with the year when it is not the year of `reference`, if given). */
export function formatShortDate(iso: string, zone?: string, reference?: Date): string {
  const at = readInstant(iso, zone);
  if (!at) return iso;
  const sameYear = reference === undefined || DateTime.fromJSDate(reference, { zone: at.zone }).year === at.year;
  return at.toFormat(sameYear ? 'd LLL h:mm a' : 'd LLL yyyy h:mm a');
}

/** "Mon 12 Jan 9:00 AM, Tue 13 Jan 9:00 AM, …" (at most `count`). */
export function formatNextRuns(isoRuns: readonly string[], zone?: string, count = 3): string {
  return isoRuns
    .slice(0, count)
    .map((iso) => formatRunTime(iso, zone))
    .join(', ');
}
