/**
 * Schedule engine benchmark (issue 2): phrases per second for phrase → cron over the corpus, and our whole
 * phrase → validated cron → 3 next runs against cron-parser parsing the equivalent five-field expression and
 * taking 3 runs, on the same phrases (those a five-field cron can say). One warm-up, then timed rounds; the
 * median round counts. Prints its lines and returns the figures.
 */
import { CronExpressionParser } from 'cron-parser';
import { formatOmniCron } from '../src/schedule/cron.js';
import { emitOmniCron } from '../src/schedule/emit.js';
import { interpretSchedule, resolveSchedule } from '../src/schedule/interpret.js';
import { parseSchedulePhrase } from '../src/schedule/phrase/index.js';
import type { OmniCron } from '../src/schedule/types.js';
import { SCHEDULE_CORPUS } from '../test/fixtures/schedule-corpus.js';
import { COMPOUND_CORPUS } from '../test/fixtures/schedule-corpus-compound.js';

export interface ScheduleBenchResult {
  corpusSize: number;
  phrasesPerSecond: number;
  comparedPhrases: number;
  cronParserPerSecond: number;
  oursPerSecond: number;
  /** ours time / cron-parser time for phrase → validated cron → 3 runs (lower is better; target < 0.2). */
  ratio: number;
  /** the same with the wording and warnings of interpretSchedule included, for information. */
  fullRatio: number;
}

const NOW = new Date('2026-01-15T12:00:00Z');
const ZONE = 'America/New_York';
const ROUNDS = 7;
const ROUND_MS = 300;

/** Mean microseconds per call of `fn` over `items`, median of the timed rounds. */
function measure<T>(items: readonly T[], fn: (item: T) => unknown): number {
  let sink = 0;
  const runOnce = () => {
    for (const item of items) if (fn(item)) sink++;
  };
  const warmUntil = performance.now() + ROUND_MS;
  while (performance.now() < warmUntil) runOnce();
  const perCall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      runOnce();
      calls += items.length;
      now = performance.now();
    }
    perCall.push(((now - start) * 1000) / calls);
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the results alive
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] as number;
}

/** Phrase → canonical cron text, no evaluation. */
function translatePhrase(phrase: string): string | null {
  const parsed = parseSchedulePhrase(phrase);
  if (!parsed.ok) return null;
  if (parsed.cron) return formatOmniCron(parsed.cron);
  const emitted = emitOmniCron(parsed.ir);
  return emitted.ok ? formatOmniCron(emitted.cron) : null;
}

/** The five-field cron-parser equivalent of a canonical Omni cron, or null when five fields cannot say it. */
export function toFiveFields(cron: OmniCron, text: string): string | null {
  if (cron.year.kind !== 'any') return null;
  if (cron.dayOfMonth.kind !== 'list' && cron.dayOfMonth.kind !== 'none' && cron.dayOfMonth.kind !== 'any') return null;
  if (cron.dayOfWeek.kind !== 'list' && cron.dayOfWeek.kind !== 'none' && cron.dayOfWeek.kind !== 'any') return null;
  const [minute, hour, dom, month, dow] = text.split(' ');
  // names (MON-FRI) mean the same to cron-parser; `?` becomes `*` (one side is always `*`, so no OR trap)
  return `${minute} ${hour} ${dom === '?' ? '*' : dom} ${month} ${dow === '?' ? '*' : dow}`;
}

export async function runScheduleBench(print: (line: string) => void = (l) => console.log(l)): Promise<ScheduleBenchResult> {
  // both corpora: plain phrases, and joined, chatty and shorthand ones (which read each part on its own)
  const phrases = [...SCHEDULE_CORPUS, ...COMPOUND_CORPUS].map(([p]) => p);
  const translateUs = measure(phrases, translatePhrase);


  const options = { timezone: ZONE, now: NOW, count: 3, minIntervalMinutes: 1 };
  const compared: Array<{ phrase: string; expr5: string; zone: string }> = [];
  for (const phrase of new Set(phrases)) {
    const resolved = resolveSchedule(phrase, options);
    if (!resolved.ok) continue;
    const expr5 = toFiveFields(resolved.cron, resolved.text);
    if (expr5) compared.push({ phrase, expr5, zone: resolved.zone });
  }
  // the same runs, or the comparison is meaningless
  for (const c of compared) {
    const ours = resolveSchedule(c.phrase, options);
    const theirs = CronExpressionParser.parse(c.expr5, { tz: c.zone, currentDate: NOW }).take(3).map((d) => d.toDate().getTime());
    const mine = ours.ok ? ours.runs.map((r) => r.toMillis()) : [];
    if (mine.join() !== theirs.join()) print(`schedule: note: runs differ for "${c.phrase}" (${c.expr5})`);
  }
  const baselineUs = measure(compared, (c) => CronExpressionParser.parse(c.expr5, { tz: c.zone, currentDate: NOW }).take(3));
  const oursUs = measure(compared, (c) => resolveSchedule(c.phrase, options));
  const fullUs = measure(compared, (c) => interpretSchedule(c.phrase, options));

  const result: ScheduleBenchResult = {
    corpusSize: phrases.length,
    phrasesPerSecond: 1e6 / translateUs,
    comparedPhrases: compared.length,
    cronParserPerSecond: 1e6 / baselineUs,
    oursPerSecond: 1e6 / oursUs,
    ratio: oursUs / baselineUs,
    fullRatio: fullUs / baselineUs,
  };
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  print(`schedule: phrase → cron: ${n(result.phrasesPerSecond)} phrases/s (${translateUs.toFixed(1)} µs each, ${phrases.length} corpus phrases)`);
  print(`schedule: cron-parser parse + take(3), ${compared.length} phrases expressible in 5 fields: ${n(result.cronParserPerSecond)}/s (${baselineUs.toFixed(1)} µs each)`);
  print(`schedule: phrase → validated cron → 3 next runs: ${result.ratio.toFixed(2)}× cron-parser (${oursUs.toFixed(1)} µs each; target < 0.2×)`);
  print(`schedule: with description and warnings (interpretSchedule): ${result.fullRatio.toFixed(2)}× cron-parser (${fullUs.toFixed(1)} µs each)`);
  return result;
}
