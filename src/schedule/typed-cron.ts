/**
 * A cron typed where a phrase was expected. Omni's own six-field form is taken as is (read leniently, written
 * back canonically). Other dialects are refused with the Omni equivalent as the alternative, because the same
 * text means different times in each: `0 9 * * 1-5` (unix, five fields) is Omni's `0 9 ? * MON-FRI *`, and a
 * six-field unix string is seconds-first.
 */
import { ownKeysOnly } from './normalise.js';
import { formatOmniCron, readOmniCron } from './cron.js';
import { FALLBACK_SUGGESTION, buildDialectRefusal } from './refusals.js';
import type { OmniCron, ScheduleRefusal } from './types.js';

export type TypedCron = { ok: true; cron: OmniCron } | { ok: false; refusal: ScheduleRefusal };

const CRON_PART = /^(?:[0-9*?][0-9A-Za-z*?,/#-]*|[A-Za-z]{3}(?:L|#[1-5])?(?:[,-][A-Za-z0-9#]+)*|L|LW|\?)$/;
const UNIX_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

const MACROS: Record<string, string> = ownKeysOnly({
  '@hourly': '0 * ? * * *',
  '@daily': '0 0 ? * * *',
  '@midnight': '0 0 ? * * *',
  '@weekly': '0 0 ? * SUN *',
  '@monthly': '0 0 1 * ? *',
  '@yearly': '0 0 1 1 ? *',
  '@annually': '0 0 1 1 ? *',
});

/** True when the text is shaped like a cron expression rather than words. */
export function isCronShaped(text: string): boolean {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 5 || parts.length > 7) return false;
  if (!parts.every((p) => CRON_PART.test(p))) return false;
  return parts.some((p) => /[*?]/.test(p)) || parts.slice(0, 2).every((p) => /^[0-9,/-]+$/.test(p));
}

/** Omni canonical text for a candidate, or null when it does not read. */
function canonical(expr: string): string | null {
  const read = readOmniCron(expr);
  if (!read.ok) return null;
  try {
    return formatOmniCron(read.cron);
  } catch {
    return null;
  }
}

/** unix day-of-week (0/7=SUN, 1=MON) → names, field by field, so numbering cannot be misread afterwards. */
function renameUnixDays(dow: string): string {
  return dow.replace(/\d+/g, (n) => UNIX_DAYS[Number(n)] ?? n);
}

/** Five unix fields → the Omni six-field equivalent (null when the day fields OR together, which Omni cannot). */
function convertUnixFields([minute, hour, dom, month, dow]: string[]): string | null {
  if (minute === undefined || hour === undefined || dom === undefined || month === undefined || dow === undefined) return null;
  const domSet = dom !== '*' && dom !== '?';
  const dowSet = dow !== '*' && dow !== '?';
  if (domSet && dowSet) return null;
  const days = domSet ? `${dom} ${month} ?` : `? ${month} ${dowSet ? renameUnixDays(dow) : '*'}`;
  return canonical(`${minute} ${hour} ${days} *`);
}

/**
 * Reads typed cron text: null when the text is not cron-shaped (a phrase), the Omni cron when it is one,
 * a dialect refusal otherwise.
 */
export function readTypedCron(text: string): TypedCron | null {
  const trimmed = text.trim();
  const macro = MACROS[trimmed.toLowerCase()];
  if (macro) {
    return { ok: false, refusal: buildDialectRefusal(`"${trimmed}" is a crontab shortcut; Omni needs its six-field cron.`, macro) };
  }
  const rate = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/i.exec(trimmed);
  if (rate) {
    return { ok: false, refusal: buildDialectRefusal('Omni schedules take a cron, not an AWS rate expression.', `every ${rate[1] as string} ${(rate[2] as string).toLowerCase()}`) };
  }
  if (!isCronShaped(trimmed)) return null;
  const parts = trimmed.split(/\s+/);
  if (parts.length === 6) {
    const read = readOmniCron(trimmed);
    if (read.ok) return { ok: true, cron: read.cron };
    // no `?` and no year at the end: probably seconds-first (cron-parser, Spring)
    const secondsFirst = !trimmed.includes('?') && !/^\d{4}/.test(parts[5] as string) ? convertUnixFields(parts.slice(1)) : null;
    if (secondsFirst) {
      return { ok: false, refusal: buildDialectRefusal('That reads as a cron with seconds first; Omni has no seconds field and puts the year last.', secondsFirst) };
    }
    return { ok: false, refusal: buildDialectRefusal(`That is not a valid Omni cron (${read.error}).`, FALLBACK_SUGGESTION) };
  }
  if (parts.length === 5) {
    const converted = convertUnixFields(parts);
    const why = 'That is a five-field unix cron; Omni uses six fields (minute hour day-of-month month day-of-week year), and numbers its days differently.';
    return { ok: false, refusal: buildDialectRefusal(converted ? why : `${why} Unix also runs it when either day field matches, which needs two Omni schedules.`, converted ?? FALLBACK_SUGGESTION) };
  }
  // seven fields: Quartz with seconds first
  const converted = parts[0] === '0' ? canonical(parts.slice(1).join(' ')) : null;
  return { ok: false, refusal: buildDialectRefusal('That is a seven-field Quartz cron with seconds; Omni has no seconds field.', converted ?? FALLBACK_SUGGESTION) };
}
