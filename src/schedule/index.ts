/**
 * The schedule engine's public face for the other layers (Slack, routines, CLI): phrases in, Omni crons out,
 * plus the cron half's reader, evaluator and wording for schedules read back from Omni.
 */
export { interpretSchedule, completeParsed, ScheduleEngineError, DEFAULT_RUN_COUNT, DEFAULT_MIN_INTERVAL_MINUTES } from './interpret.js';
export type { ScheduleSuccess, ScheduleFailure } from './interpret.js';
export { findScheduleInText, findScheduleRefusalInText, scanScheduleInText } from './find-in-text.js';
export type { ScheduleInText, RefusalInText, ScheduleTextScan } from './find-in-text.js';
export { parseSchedulePhrase } from './phrase/index.js';
export type { PhraseParse } from './phrase/index.js';
export type { ScheduleIr, DaySelector, ClockTime, ScheduleStep } from './ir.js';
export { readOmniCron, formatOmniCron } from './cron.js';
export { computeNextRuns, shortestIntervalMinutes } from './next-runs.js';
export { describeCron } from './describe.js';
export { buildScheduleWarnings } from './warnings.js';
export { REFUSAL_CODES } from './types.js';
export { namesUnreadWords } from './refusals.js';
export type { RefusalCode, ScheduleRefusal, ScheduleResult, InterpretOptions, OmniCron, CronField, CronReadResult } from './types.js';
