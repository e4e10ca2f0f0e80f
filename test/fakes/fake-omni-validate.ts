/**
 * The fake Omni's request validation, written from docs/omni-api.md independently of src/ (so a bug in the
 * bot's own schedule or body code is not mirrored here and hidden). Texts follow Omni's "Bad Request: field:
 * problem" style.
 */
import { IANAZone } from 'luxon';

export type Check<T> = { ok: true; value: T } | { ok: false; status: number; detail: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

const bad = (detail: string): { ok: false; status: 400; detail: string } => ({ ok: false, status: 400, detail: `Bad Request: ${detail}` });

// ---- cron (AWS EventBridge dialect, docs/schedules.md §2.1) ---------------------------------------------------------

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  min: number;
  max: number;
  names?: string[];
}

function readValue(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const idx = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  return idx >= 0 ? idx + spec.min : undefined;
}

/** `*`, `*\/n`, `a`, `a-b`, `a/n`, `a-b/n`, comma lists of those. */
function isPlainField(field: string, spec: FieldSpec): boolean {
  return field.split(',').every((item) => {
    const [range, step, ...rest] = item.split('/');
    if (rest.length > 0 || range === undefined || range === '') return false;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
    if (range === '*') return true;
    const [a, b, ...more] = range.split('-');
    if (more.length > 0 || a === undefined) return false;
    const lo = readValue(a, spec);
    if (lo === undefined) return false;
    if (b === undefined) return true;
    const hi = readValue(b, spec);
    return hi !== undefined && lo <= hi;
  });
}

const MINUTE: FieldSpec = { min: 0, max: 59 };
const HOUR: FieldSpec = { min: 0, max: 23 };
const DOM: FieldSpec = { min: 1, max: 31 };
const MONTH: FieldSpec = { min: 1, max: 12, names: MONTHS };
const DOW: FieldSpec = { min: 1, max: 7, names: DAYS };
const YEAR: FieldSpec = { min: 1970, max: 2199 };

function isDomField(field: string): boolean {
  if (field === 'L' || field === 'LW') return true;
  const w = /^(\d+)W$/.exec(field);
  if (w) return readValue(w[1]!, DOM) !== undefined;
  return isPlainField(field, DOM);
}

function isDowField(field: string): boolean {
  const upper = field.toUpperCase();
  if (upper === 'L') return true;
  const last = /^([A-Z]{3}|\d)L$/.exec(upper);
  if (last) return readValue(last[1]!, DOW) !== undefined;
  const nth = /^([A-Z]{3}|\d)#([1-5])$/.exec(upper);
  if (nth) return readValue(nth[1]!, DOW) !== undefined;
  return isPlainField(upper, DOW);
}

export type CronVerdict = 'ok' | 'invalid' | 'too_frequent';

/** Six fields, exactly one `?` (in a day field), AWS ranges; a minute field that is not one value runs more than hourly. */
export function checkOmniCron(expression: string): CronVerdict {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return 'invalid';
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) return 'invalid';
  if ([minute, hour, month, year].some((f) => f.includes('?'))) return 'invalid';
  const ok =
    isPlainField(minute, MINUTE) &&
    isPlainField(hour, HOUR) &&
    (dom === '?' || isDomField(dom)) &&
    isPlainField(month.toUpperCase(), MONTH) &&
    (dow === '?' || isDowField(dow)) &&
    isPlainField(year, YEAR);
  if (!ok) return 'invalid';
  return /^\d+$/.test(minute) ? 'ok' : 'too_frequent';
}

// ---- bodies ---------------------------------------------------------------------------------------------------

export interface EmailDestination {
  type: 'email';
  recipientEmails: string[];
  userGroupIds: string[];
}
export interface SlackDestination {
  type: 'slack';
  recipientId: string;
  slackRecipientType: 'channel' | 'users';
}
export type Destination = EmailDestination | SlackDestination;

function extraKeys(o: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(o).filter((k) => !allowed.includes(k));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkDestination(v: unknown): Check<Destination> {
  if (!isObject(v)) return bad('destination: Expected object');
  if (v.type === 'email') {
    const extra = extraKeys(v, ['type', 'recipientEmails', 'userGroupIds']);
    if (extra.length > 0) return bad(`destination: Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}`);
    const emails = v.recipientEmails ?? [];
    const groups = v.userGroupIds ?? [];
    if (!Array.isArray(emails)) return bad('destination.recipientEmails: Expected array');
    if (!Array.isArray(groups)) return bad('destination.userGroupIds: Expected array');
    if (emails.length > 100) return bad('destination.recipientEmails: Array must contain at most 100 element(s)');
    if (groups.length > 100) return bad('destination.userGroupIds: Array must contain at most 100 element(s)');
    const badEmail = emails.findIndex((e) => typeof e !== 'string' || !EMAIL.test(e));
    if (badEmail >= 0) return bad(`destination.recipientEmails.${badEmail}: Invalid email`);
    const badGroup = groups.findIndex((g) => !isUuid(g));
    if (badGroup >= 0) return bad(`destination.userGroupIds.${badGroup}: Invalid uuid`);
    // Inferred (docs/omni-api.md §2.2): an email routine with nobody to send to is a "recipient configuration" error.
    if (emails.length + groups.length === 0) return bad('destination: Invalid recipient configuration: at least one recipient is required');
    return { ok: true, value: { type: 'email', recipientEmails: emails as string[], userGroupIds: groups as string[] } };
  }
  if (v.type === 'slack') {
    const extra = extraKeys(v, ['type', 'recipientId', 'slackRecipientType']);
    if (extra.length > 0) return bad(`destination: Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}`);
    if (typeof v.recipientId !== 'string' || v.recipientId.length === 0) return bad('destination.recipientId: Required');
    if (v.slackRecipientType !== 'channel' && v.slackRecipientType !== 'users') {
      return bad("destination.slackRecipientType: Invalid enum value. Expected 'channel' | 'users'");
    }
    return { ok: true, value: { type: 'slack', recipientId: v.recipientId, slackRecipientType: v.slackRecipientType } };
  }
  return bad("destination.type: Invalid discriminator value. Expected 'email' | 'slack'");
}

export function checkSchedule(v: unknown): Check<string> {
  if (typeof v !== 'string' || v.trim() === '') return bad('schedule: Required');
  const verdict = checkOmniCron(v);
  if (verdict === 'invalid') return bad('schedule: Schedule is an invalid cron expression');
  if (verdict === 'too_frequent') return bad('schedule: Schedule is more frequent than the organization allows');
  return { ok: true, value: v.trim() };
}

export function checkTimezone(v: unknown): Check<string> {
  if (typeof v !== 'string' || v === '') return bad('timezone: Required');
  if (!IANAZone.isValidZone(v)) return bad('timezone: Time zone must be IANA valid.');
  return { ok: true, value: v };
}

function checkName(v: unknown): Check<string> {
  if (typeof v !== 'string' || v.length === 0) return bad('name: Required');
  if (v.length > 255) return bad('name: String must contain at most 255 character(s)');
  return { ok: true, value: v };
}

function checkPrompt(v: unknown): Check<string> {
  if (typeof v !== 'string' || v.length === 0) return bad('prompt: Required');
  return { ok: true, value: v };
}

function checkNullableString(field: string, v: unknown): Check<string | null> {
  if (v === undefined || v === null) return { ok: true, value: null };
  if (typeof v !== 'string') return bad(`${field}: Expected string`);
  return { ok: true, value: v };
}

function checkNullableUuid(field: string, v: unknown): Check<string | null> {
  if (v === undefined || v === null) return { ok: true, value: null };
  if (!isUuid(v)) return bad(`${field}: Invalid uuid`);
  return { ok: true, value: v };
}

export interface CreateBody {
  name: string;
  modelId: string;
  prompt: string;
  schedule: string;
  timezone: string;
  destination: Destination;
  branchId: string | null;
  description: string | null;
  topicName: string | null;
}

const CREATE_KEYS = ['name', 'modelId', 'prompt', 'schedule', 'timezone', 'destination', 'branchId', 'description', 'topicName'];

/** §2.1, field by field, in the order a reader of the 400s would fix them. */
export function checkCreateBody(body: unknown): Check<CreateBody> {
  if (!isObject(body)) return bad('Expected object');
  const extra = extraKeys(body, CREATE_KEYS);
  if (extra.length > 0) return bad(`Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}`);
  for (const field of ['name', 'modelId', 'prompt', 'schedule', 'timezone', 'destination']) {
    if (body[field] === undefined || body[field] === null) return bad(`${field}: Required`);
  }
  const name = checkName(body.name);
  if (!name.ok) return name;
  if (!isUuid(body.modelId)) return bad('modelId: Invalid uuid');
  const prompt = checkPrompt(body.prompt);
  if (!prompt.ok) return prompt;
  const schedule = checkSchedule(body.schedule);
  if (!schedule.ok) return schedule;
  const timezone = checkTimezone(body.timezone);
  if (!timezone.ok) return timezone;
  const destination = checkDestination(body.destination);
  if (!destination.ok) return destination;
  const branchId = checkNullableUuid('branchId', body.branchId);
  if (!branchId.ok) return branchId;
  const description = checkNullableString('description', body.description);
  if (!description.ok) return description;
  const topicName = checkNullableString('topicName', body.topicName);
  if (!topicName.ok) return topicName;
  return {
    ok: true,
    value: {
      name: name.value,
      modelId: body.modelId,
      prompt: prompt.value,
      schedule: schedule.value,
      timezone: timezone.value,
      destination: destination.value,
      branchId: branchId.value,
      description: description.value,
      topicName: topicName.value,
    },
  };
}

export interface PatchBody {
  name?: string;
  prompt?: string;
  schedule?: string;
  timezone?: string;
  description?: string | null;
  destination?: Destination;
}

/** §2.4 [SDK] PATCH: every field optional, nothing else allowed. */
export function checkPatchBody(body: unknown): Check<PatchBody> {
  if (!isObject(body)) return bad('Expected object');
  const extra = extraKeys(body, ['name', 'prompt', 'schedule', 'timezone', 'description', 'destination']);
  if (extra.length > 0) return bad(`Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}`);
  const out: PatchBody = {};
  if (body.name !== undefined) {
    const c = checkName(body.name);
    if (!c.ok) return c;
    out.name = c.value;
  }
  if (body.prompt !== undefined) {
    const c = checkPrompt(body.prompt);
    if (!c.ok) return c;
    out.prompt = c.value;
  }
  if (body.schedule !== undefined) {
    const c = checkSchedule(body.schedule);
    if (!c.ok) return c;
    out.schedule = c.value;
  }
  if (body.timezone !== undefined) {
    const c = checkTimezone(body.timezone);
    if (!c.ok) return c;
    out.timezone = c.value;
  }
  if (body.description !== undefined) {
    const c = checkNullableString('description', body.description);
    if (!c.ok) return c;
    out.description = c.value;
  }
  if (body.destination !== undefined) {
    const c = checkDestination(body.destination);
    if (!c.ok) return c;
    out.destination = c.value;
  }
  return { ok: true, value: out };
}

export interface PutBody {
  name: string;
  prompt: string;
  schedule: string;
  description?: string | null;
  modelId?: string | null;
  isActive?: boolean;
}

/** §2.4 [DOC] PUT: name, prompt and schedule required; description, modelId, isActive optional. */
export function checkPutBody(body: unknown): Check<PutBody> {
  if (!isObject(body)) return bad('Expected object');
  const extra = extraKeys(body, ['name', 'prompt', 'schedule', 'description', 'modelId', 'isActive']);
  if (extra.length > 0) return bad(`Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}`);
  const name = checkName(body.name);
  if (!name.ok) return name;
  const prompt = checkPrompt(body.prompt);
  if (!prompt.ok) return prompt;
  const schedule = checkSchedule(body.schedule);
  if (!schedule.ok) return schedule;
  const out: PutBody = { name: name.value, prompt: prompt.value, schedule: schedule.value };
  if (body.description !== undefined) {
    const c = checkNullableString('description', body.description);
    if (!c.ok) return c;
    out.description = c.value;
  }
  if (body.modelId !== undefined) {
    const c = checkNullableUuid('modelId', body.modelId);
    if (!c.ok) return c;
    out.modelId = c.value;
  }
  if (body.isActive !== undefined) {
    if (typeof body.isActive !== 'boolean') return bad('isActive: Expected boolean');
    out.isActive = body.isActive;
  }
  return { ok: true, value: out };
}
