/**
 * Omni's six-field cron (AWS EventBridge flavour): `minute hour day-of-month month day-of-week year`.
 *
 * `readOmniCron` is the validator and reader. Two modes:
 *  - lenient (default) reads what Omni may hand back: leading zeros, extra spaces, lower-case names, numeric
 *    day-of-week (1=SUN … 7=SAT), steps anywhere (`0/15`, `*\/6`, `9-17/2`, day-of-week `2/2` = MON,WED,FRI as in
 *    Quartz), wrap-around ranges (`FRI-MON`, `22-2`: expanded, as Quartz does), a bare `L` in day-of-week
 *    (= Saturday), `?` in both day fields (Omni's older docs print `0 9 ? * ? *`: read as every day), and `*` in one
 *    day field with a value in the other (the `*` is read as `?`).
 *  - strict accepts only the canonical form this module writes (`formatOmniCron`), so anything we send to Omni
 *    has exactly one spelling.
 * Both modes refuse: a field count other than 6 (a 7th field would be seconds, which Omni has no field for),
 * values out of range, both day fields restricted, `#` outside 1-5, more than one `#`, `L`/`W`/`#` inside lists
 * or ranges, steps of 0 or as large as the field, reversed year ranges, and `L-n` (Quartz's "n days before the
 * last", which AWS does not document and our field model does not carry).
 */
import type { CronField, CronReadResult, OmniCron } from './types.js';

export type CronFieldName = 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek' | 'year';

export const CRON_FIELD_ORDER: readonly CronFieldName[] = [
  'minute',
  'hour',
  'dayOfMonth',
  'month',
  'dayOfWeek',
  'year',
];

export const CRON_FIELD_LABELS: Readonly<Record<CronFieldName, string>> = {
  minute: 'minute',
  hour: 'hour',
  dayOfMonth: 'day-of-month',
  month: 'month',
  dayOfWeek: 'day-of-week',
  year: 'year',
};

/** Inclusive value range of each field (day-of-week 1=SUN … 7=SAT). */
export const CRON_FIELD_RANGES: Readonly<Record<CronFieldName, readonly [number, number]>> = {
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [1, 7],
  year: [1970, 2199],
};

/** Index = day-of-week value − 1 (1=SUN). */
export const WEEKDAY_CODES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
/** Index = month − 1. */
export const MONTH_CODES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/** Internal: a reading failure, turned into `{ ok: false, error }` at the edge of `readOmniCron`. */
class CronSyntaxError extends Error {}

function fail(field: CronFieldName, text: string, why: string): never {
  throw new CronSyntaxError(`${CRON_FIELD_LABELS[field]}: ${text} — ${why}`);
}

/** True when the field names particular days/values rather than `*` or `?`. */
export function isRestricted(field: CronField): boolean {
  return field.kind !== 'any' && field.kind !== 'none';
}

/**
 * Every value a plain field can take, for `*`/`?` the whole range. Day specials (`L`, `W`, `#`, `nL`) have no
 * fixed value set and give undefined.
 */
export function readFieldValues(field: CronField, name: CronFieldName): number[] | undefined {
  if (field.kind === 'any' || field.kind === 'none') {
    const [min, max] = CRON_FIELD_RANGES[name];
    return rangeOf(min, max);
  }
  if (field.kind === 'list') return field.values;
  return undefined;
}

/** True when the field matches every value of its range (`*`, `?`, or a list naming them all). */
export function isEveryValue(field: CronField, name: CronFieldName): boolean {
  if (field.kind === 'any' || field.kind === 'none') return true;
  if (field.kind !== 'list') return false;
  const [min, max] = CRON_FIELD_RANGES[name];
  return field.values.length === max - min + 1;
}

function rangeOf(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function readNumber(text: string, field: CronFieldName, whole: string): number {
  const upper = text.toUpperCase();
  if (field === 'month') {
    const i = (MONTH_CODES as readonly string[]).indexOf(upper);
    if (i >= 0) return i + 1;
  }
  if (field === 'dayOfWeek') {
    const i = (WEEKDAY_CODES as readonly string[]).indexOf(upper);
    if (i >= 0) return i + 1;
  }
  if (!/^\d+$/.test(text)) {
    if (/^[A-Za-z]+$/.test(text)) {
      const hint =
        field === 'month' ? 'use JAN-DEC or 1-12' : field === 'dayOfWeek' ? 'use SUN-SAT or 1-7 (1 = Sunday)' : 'not a number';
      fail(field, whole, `${text} is not understood (${hint})`);
    }
    fail(field, whole, `${text} is not a number`);
  }
  const value = Number(text);
  const [min, max] = CRON_FIELD_RANGES[field];
  if (value < min || value > max) {
    fail(field, whole, `${value} is out of range (${min}-${max}${field === 'dayOfWeek' ? ', 1 = Sunday' : ''})`);
  }
  return value;
}

/** A list of numbers, ranges and steps, expanded and sorted. */
function readListField(text: string, field: CronFieldName): number[] {
  const [min, max] = CRON_FIELD_RANGES[field];
  const size = max - min + 1;
  const values = new Set<number>();
  const items = text.split(',');
  for (const item of items) {
    if (item === '') fail(field, text, 'empty item in the list');
    if (item === '*' || item === '?') fail(field, text, `${item} cannot be part of a list`);
    const parts = item.split('/');
    if (parts.length > 2) fail(field, text, `${item} has more than one /`);
    const [base = '', stepText] = parts;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) fail(field, text, `step ${stepText} is not a number`);
      step = Number(stepText);
      if (step < 1 || step >= size) fail(field, text, `the step must be 1 to ${size - 1}`);
    }
    let from: number;
    let to: number;
    if (base === '*') {
      if (stepText === undefined) fail(field, text, '* cannot be part of a list');
      from = min;
      to = max;
    } else if (base.includes('-')) {
      const ends = base.split('-');
      if (ends.length !== 2 || ends[0] === '' || ends[1] === '') fail(field, text, `${base} is not a range`);
      from = readNumber(ends[0] ?? '', field, text);
      to = readNumber(ends[1] ?? '', field, text);
    } else {
      from = readNumber(base, field, text);
      // `a/n` runs from a to the end of the field; a bare value is just itself.
      to = stepText === undefined ? from : max;
    }
    if (from <= to) {
      for (let v = from; v <= to; v += step) values.add(v);
    } else {
      // Wrap-around (Quartz): FRI-MON = FRI,SAT,SUN,MON; 22-2 = 22,23,0,1,2. Meaningless for years.
      if (field === 'year') fail(field, text, `${base} runs backwards`);
      const span = to + size - from;
      for (let offset = 0; offset <= span; offset += step) {
        const v = from + offset;
        values.add(v > max ? v - size : v);
      }
    }
  }
  return [...values].sort((a, b) => a - b);
}

function readPlainField(text: string, field: CronFieldName): CronField {
  if (text === '*') return { kind: 'any' };
  if (text === '?') fail(field, text, '? is only allowed in day-of-month or day-of-week');
  return { kind: 'list', values: readListField(text, field) };
}

function readDayOfMonth(text: string): CronField {
  const upper = text.toUpperCase();
  if (upper === '*') return { kind: 'any' };
  if (upper === '?') return { kind: 'none' };
  if (upper === 'L') return { kind: 'last' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  if (/^L-\d+$/.test(upper)) fail('dayOfMonth', text, 'offsets from the last day (L-n) are not supported');
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) {
    const day = readNumber(nearest[1] ?? '', 'dayOfMonth', text);
    return { kind: 'nearestWeekday', day };
  }
  if (/[LW]/.test(upper)) fail('dayOfMonth', text, 'L and W cannot be combined with other days');
  return { kind: 'list', values: readListField(text, 'dayOfMonth') };
}

function readDayOfWeek(text: string, strict: boolean): CronField {
  const upper = text.toUpperCase();
  if (upper === '*') return { kind: 'any' };
  if (upper === '?') return { kind: 'none' };
  const hashCount = upper.split('#').length - 1;
  if (hashCount > 1) fail('dayOfWeek', text, 'only one # expression is allowed');
  if (hashCount === 1) {
    if (upper.includes(',') || upper.includes('-') || upper.includes('/')) {
      fail('dayOfWeek', text, '# cannot be combined with other days');
    }
    const [dayText = '', nthText = ''] = upper.split('#');
    const weekday = readNumber(dayText, 'dayOfWeek', text);
    if (!/^\d+$/.test(nthText) || Number(nthText) < 1 || Number(nthText) > 5) {
      fail('dayOfWeek', text, '# takes 1 to 5');
    }
    return { kind: 'nthWeekday', weekday, nth: Number(nthText) };
  }
  if (upper === 'L') {
    // Quartz/AWS: a bare L in day-of-week is its last day, Saturday. We never write it.
    if (strict) fail('dayOfWeek', text, 'write it as SAT');
    return { kind: 'list', values: [7] };
  }
  if (upper.includes('L')) {
    // No weekday name contains an L, so any L here is the "last" marker.
    if (/[,/-]/.test(upper) || !upper.endsWith('L')) fail('dayOfWeek', text, 'L cannot be combined with other days');
    const weekday = readNumber(text.slice(0, -1), 'dayOfWeek', text);
    return { kind: 'lastOfWeekday', weekday };
  }
  return { kind: 'list', values: readListField(text, 'dayOfWeek') };
}

/** Read and validate an Omni cron. Never throws: failures come back as `{ ok: false, error }` in plain words. */
export function readOmniCron(expr: string, options: { strict?: boolean } = {}): CronReadResult {
  const strict = options.strict ?? false;
  try {
    return { ok: true, cron: readCron(expr, strict) };
  } catch (err) {
    if (err instanceof CronSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

function readCron(expr: string, strict: boolean): OmniCron {
  const fields = expr.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 6) {
    const hint =
      fields.length === 7
        ? ' (Omni cron has no seconds field)'
        : fields.length === 5
          ? ' (the year field is missing)'
          : '';
    throw new CronSyntaxError(
      `expected 6 fields (minute hour day-of-month month day-of-week year), got ${fields.length}${hint}`,
    );
  }
  if (strict && fields.join(' ') !== expr) {
    throw new CronSyntaxError('separate the fields with single spaces');
  }
  const [minuteText = '', hourText = '', domText = '', monthText = '', dowText = '', yearText = ''] = fields;
  const minute = readPlainField(minuteText, 'minute');
  const hour = readPlainField(hourText, 'hour');
  let dayOfMonth = readDayOfMonth(domText);
  const month = readPlainField(monthText, 'month');
  let dayOfWeek = readDayOfWeek(dowText, strict);
  const year = readPlainField(yearText, 'year');

  if (isRestricted(dayOfMonth) && isRestricted(dayOfWeek)) {
    throw new CronSyntaxError(
      `day-of-month (${domText}) and day-of-week (${dowText}) are both set; one of them must be ?`,
    );
  }
  if (dayOfMonth.kind === 'none' && dayOfWeek.kind === 'none') {
    if (strict) throw new CronSyntaxError('day-of-month and day-of-week are both ?; use ? in only one of them');
    dayOfWeek = { kind: 'any' }; // Omni's older docs: `0 9 ? * ? *` = every day
  }
  if (dayOfMonth.kind !== 'none' && dayOfWeek.kind !== 'none') {
    // One side is `*` (both restricted was refused above): AWS wants `?` there; lenient reads `*` as `?`.
    if (strict) {
      const side = isRestricted(dayOfWeek) || dayOfMonth.kind === 'any' ? 'day-of-month' : 'day-of-week';
      throw new CronSyntaxError(`${side}: * — use ? (exactly one day field must be ?)`);
    }
    if (isRestricted(dayOfWeek)) dayOfMonth = { kind: 'none' };
    else dayOfWeek = { kind: 'none' };
  }

  const cron: OmniCron = { minute, hour, dayOfMonth, month, dayOfWeek, year, source: expr };
  if (strict) {
    const canonical = formatOmniCron(cron).split(' ');
    for (const [i, name] of CRON_FIELD_ORDER.entries()) {
      const given = fields[i] ?? '';
      const wanted = canonical[i] ?? '';
      if (given !== wanted) throw new CronSyntaxError(`${CRON_FIELD_LABELS[name]}: ${given} — write it as ${wanted}`);
    }
  }
  return cron;
}

/** Thrown by `formatOmniCron` for a cron no reader would produce (both day fields set, values out of range). */
export class InvalidCronError extends Error {
  readonly code = 'routine_bot_invalid_cron';
}

/**
 * The canonical spelling (docs/schedules.md §2.2): single spaces, no leading zeros, exactly one `?`, day-of-week as
 * names MON…SUN, minute/hour lists folded back into steps and ranges, months numeric, year `*` unless restricted.
 */
export function formatOmniCron(cron: OmniCron): string {
  const domSet = isRestricted(cron.dayOfMonth) && !isEveryValue(cron.dayOfMonth, 'dayOfMonth');
  const dowSet = isRestricted(cron.dayOfWeek) && !isEveryValue(cron.dayOfWeek, 'dayOfWeek');
  if (domSet && dowSet) throw new InvalidCronError('day-of-month and day-of-week are both set');
  const dom = domSet ? formatDayOfMonth(cron.dayOfMonth) : '?';
  const dow = domSet ? '?' : formatDayOfWeek(cron.dayOfWeek);
  return [
    formatNumberField(cron.minute, 'minute', true),
    formatNumberField(cron.hour, 'hour', true),
    dom,
    formatNumberField(cron.month, 'month', false),
    dow,
    formatNumberField(cron.year, 'year', false),
  ].join(' ');
}

function formatNumberField(field: CronField, name: CronFieldName, steps: boolean): string {
  // `*` needs no expansion (the year field alone would expand to 230 values on every call).
  if (field.kind === 'any') return '*';
  return formatNumbers(valuesOf(field, name), name, steps);
}

function valuesOf(field: CronField, name: CronFieldName): number[] {
  const values = readFieldValues(field, name);
  if (!values) throw new InvalidCronError(`${CRON_FIELD_LABELS[name]} cannot be ${field.kind}`);
  return checkValues(values, name);
}

function checkValues(values: number[], name: CronFieldName): number[] {
  const [min, max] = CRON_FIELD_RANGES[name];
  if (values.length === 0) throw new InvalidCronError(`${CRON_FIELD_LABELS[name]} is an empty list`);
  for (const v of values) {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new InvalidCronError(`${CRON_FIELD_LABELS[name]}: ${v} is out of range (${min}-${max})`);
    }
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * Sorted values → `*`, `a/N` (a progression that fills the field from its first step), `a-b/N` (4+ values),
 * `a-b` (3+ consecutive values) or a comma list. Steps only where `withSteps` (minute and hour).
 */
function formatNumbers(values: number[], name: CronFieldName, withSteps: boolean): string {
  const [min, max] = CRON_FIELD_RANGES[name];
  if (values.length === max - min + 1) return '*';
  const first = values[0] ?? min;
  const last = values[values.length - 1] ?? min;
  if (values.length === 1) return String(first);
  if (withSteps) {
    const step = (values[1] ?? 0) - first;
    const progression = step >= 2 && values.every((v, i) => v === first + i * step);
    if (progression) {
      const fillsField = last + step > max && first - step < min;
      if (fillsField && (values.length >= 3 || first === min)) return `${first}/${step}`;
      if (values.length >= 4) return `${first}-${last}/${step}`;
    }
  }
  return formatRuns(values, (v) => String(v));
}

/** Consecutive runs of 3+ become `a-b`; shorter runs stay listed. */
function formatRuns(values: number[], label: (v: number) => string): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && (values[j + 1] ?? 0) === (values[j] ?? 0) + 1) j++;
    const start = values[i] ?? 0;
    const end = values[j] ?? 0;
    if (j - i >= 2) parts.push(`${label(start)}-${label(end)}`);
    else for (let k = i; k <= j; k++) parts.push(label(values[k] ?? 0));
    i = j + 1;
  }
  return parts.join(',');
}

function formatDayOfMonth(field: CronField): string {
  switch (field.kind) {
    case 'last':
      return 'L';
    case 'lastWeekday':
      return 'LW';
    case 'nearestWeekday':
      checkValues([field.day], 'dayOfMonth');
      return `${field.day}W`;
    case 'list':
      return formatNumbers(checkValues(field.values, 'dayOfMonth'), 'dayOfMonth', false);
    default:
      throw new InvalidCronError(`day-of-month cannot be ${field.kind}`);
  }
}

function weekdayCode(value: number): string {
  const code = WEEKDAY_CODES[value - 1];
  if (!code) throw new InvalidCronError(`day-of-week: ${value} is out of range (1-7)`);
  return code;
}

function formatDayOfWeek(field: CronField): string {
  switch (field.kind) {
    case 'any':
    case 'none':
      return '*';
    case 'nthWeekday':
      if (!Number.isInteger(field.nth) || field.nth < 1 || field.nth > 5) {
        throw new InvalidCronError('day-of-week: # takes 1 to 5');
      }
      return `${weekdayCode(field.weekday)}#${field.nth}`;
    case 'lastOfWeekday':
      return `${weekdayCode(field.weekday)}L`;
    case 'list': {
      const values = checkValues(field.values, 'dayOfWeek');
      if (values.length === 7) return '*';
      // Order MON(0) … SAT(5), SUN(6); SUN stays out of ranges so `SAT-SUN` style wrap never appears.
      const ordered = values.map((v) => (v + 5) % 7).sort((a, b) => a - b);
      const weekdays = ordered.filter((i) => i < 6);
      const parts = weekdays.length > 0 ? [formatRuns(weekdays, (i) => weekdayCode(((i + 1) % 7) + 1))] : [];
      if (ordered.includes(6)) parts.push('SUN');
      return parts.join(',');
    }
    default:
      throw new InvalidCronError(`day-of-week cannot be ${field.kind}`);
  }
}
