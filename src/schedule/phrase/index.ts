/**
 * Phrase → intermediate form (../ir.ts), or a refusal for what a schedule can never be (a one-off, a condition, a
 * holiday calendar, an end date, a vague frequency).
 *
 * Word order is free ("at 9am every weekday" = "every weekday at 9am"). Every token must be accounted for: read
 * by a rule as part of the schedule, or known filler ("at", "please", "can you"). A phrase with any other word is
 * refused, naming the words, because guessing around words we do not understand is how schedules go silently
 * wrong. Joined schedules are read part by part (joins.ts) and merged only when one cron holds exactly their union.
 */
import { emitOmniCron } from '../emit.js';
import type { ScheduleIr } from '../ir.js';
import { tokenisePhrase } from '../normalise.js';
import type { Token } from '../normalise.js';
import { buildAmbiguousRefusal, buildMultipleSchedulesRefusal, buildNotScheduleRefusal, renderPhrase } from '../refusals.js';
import type { OmniCron } from '../types.js';
import { buildTimesPerRefusal, finish } from './build-ir.js';
import type { PhraseParse as PartParse } from './build-ir.js';
import { findParts, mergeCrons, partZones, shareBetweenParts } from './joins.js';
import { readTokens } from './reader.js';
import type { TokenRole } from './state.js';

export type PhraseParse =
  | {
      ok: true;
      ir: ScheduleIr;
      /** Joined parts already merged into one cron (the intermediate form is then the first part's). */
      cron?: OmniCron;
      /** What each token was used for: never `unknown` in an accepted phrase. */
      roles: TokenRole[];
    }
  | (Extract<PartParse, { ok: false }> & { roles: TokenRole[] });

function rolesOf(roles: ReadonlyArray<TokenRole | undefined>): TokenRole[] {
  return roles.map((r) => r ?? 'unknown');
}

/** Reads tokens (a whole phrase or a span of one) into the intermediate form, or a refusal. */
export function parseScheduleTokens(tokens: readonly Token[], text: string): PhraseParse {
  const whole = readTokens(tokens, text);
  const roles = rolesOf(whole.roles);
  const parts = roles.includes('unknown') ? null : findParts(whole);
  if (!parts) return withAccounting(finish(whole), roles);

  const states = parts.map(([a, b]) => readTokens(tokens.slice(a, b), text));
  // "twice a day at 9 and 5": the count is checked against the merged schedule, not against one part
  const timesPer = states.find((p) => p.timesPer)?.timesPer;
  for (const p of states) delete p.timesPer;
  const zones = partZones(states);
  // read whole, "mon, wed and fri" repeats (several days); each part alone names one
  shareBetweenParts(states, whole.repeating);
  const partText = parts.map(([a, b]) => text.slice((tokens[a] as Token).start, (tokens[b - 1] as Token).end).replace(/^(?:and|also|plus|then|[,;&+]|\s)+/i, '').trim());
  const parsed = states.map(finish);
  const failed = parsed.find((p) => !p.ok);
  if (failed) return withAccounting({ ...failed, weak: false }, roles);
  const irs = parsed.map((p) => (p as Extract<PartParse, { ok: true }>).ir);
  if (zones.length > 1) {
    return withAccounting(
      { ok: false, refusal: buildAmbiguousRefusal(`That names two time zones (${zones.join(' and ')}); a schedule follows one. Which one?`, renderPhrase({ ...(irs[0] as ScheduleIr), zone: zones[0] as string })), weak: false, unknown: 0 },
      roles,
    );
  }
  const crons: OmniCron[] = [];
  for (const ir of irs) {
    const emitted = emitOmniCron(ir);
    if (!emitted.ok) return withAccounting({ ok: false, refusal: emitted.refusal, weak: false, unknown: 0 }, roles);
    crons.push(emitted.cron);
  }
  const merged = mergeCrons(crons);
  const first = irs[0] as ScheduleIr;
  if (!merged) {
    const named = partText.map((p) => `“${p}”`);
    const why = `That is ${parts.length === 2 ? 'two schedules' : `${parts.length} schedules`}: ${named.slice(0, -1).join(', ')} and ${named[named.length - 1] as string}, and no single schedule runs exactly those times.`;
    return withAccounting({ ok: false, refusal: buildMultipleSchedulesRefusal(why, renderPhrase(first)), weak: false, unknown: 0 }, roles);
  }
  if (timesPer && countFor(merged, timesPer.unit) !== timesPer.count) {
    return withAccounting({ ok: false, refusal: buildTimesPerRefusal(timesPer, first), weak: false, unknown: 0 }, roles);
  }
  const assumed = [...new Set(irs.flatMap((ir) => ir.assumed ?? []))];
  return { ok: true, ir: { ...first, ...(assumed.length > 0 ? { assumed } : {}) }, cron: merged, roles };
}

/** How many times a day, days a week or days a month a cron runs (-1 when that doesn't apply). */
function countFor(cron: OmniCron, unit: string): number {
  const size = (f: OmniCron['minute'], all: number) => (f.kind === 'list' ? f.values.length : f.kind === 'any' || f.kind === 'none' ? all : 1);
  if (unit === 'day') return size(cron.minute, 60) * size(cron.hour, 24);
  if (unit === 'week') return cron.dayOfWeek.kind === 'list' ? cron.dayOfWeek.values.length : -1;
  if (unit === 'month') return cron.dayOfMonth.kind === 'list' ? cron.dayOfMonth.values.length : -1;
  return -1;
}

function withAccounting(parsed: PartParse, roles: TokenRole[]): PhraseParse {
  if (parsed.ok && roles.includes('unknown')) {
    // Belt and braces: the rules and the accounting disagree. Never answer with a schedule built from part of it.
    return { ok: false, refusal: buildNotScheduleRefusal(null, renderPhrase(parsed.ir)), weak: false, unknown: roles.filter((r) => r === 'unknown').length, roles };
  }
  return { ...parsed, roles };
}

/** Reads a phrase into the intermediate form, or a refusal. */
export function parseSchedulePhrase(phrase: string): PhraseParse {
  return parseScheduleTokens(tokenisePhrase(phrase), phrase);
}
