/**
 * The vocabulary of the routines use cases, shared by the Slack layer (which reads forms and renders results)
 * and the domain (which checks, creates and manages routines in Omni). No Slack and no HTTP types here.
 */
import type { ScheduleResult } from '../schedule/types.js';
import type { FailureCode } from './failures.js';
import type { RoutineForm } from './form.js';

// The form is defined by its schema (form.ts); these names stay here, beside the rest of the vocabulary.
export type { DeliveryKind, RoutineForm } from './form.js';
export { EMPTY_FORM } from './form.js';

/** Field-level problems, keyed like the form (and so like the modal's block ids). */
export type FormErrors = Partial<Record<keyof RoutineForm | 'recipients', string>>;

/** Where a routine's answer goes; rendered by the Slack layer (mentions for ids, escaped text for addresses). */
export type RoutineDelivery =
  | { kind: 'channel'; channelId: string }
  | { kind: 'dm'; userId: string }
  | { kind: 'email'; recipients: string[]; groupCount: number }
  /** A destination type (or Slack recipient type) the bot does not know: shown as "other", never changed. */
  | { kind: 'other'; omniType: string };

/** A routine as the bot shows it: Omni's record plus what the schedule engine says about it. */
export interface RoutineView {
  id: string;
  name: string;
  prompt: string;
  schedule: string;
  timezone: string;
  /** Plain English from the schedule engine, or the raw cron when it cannot be read. */
  scheduleText: string;
  nextRuns: string[];
  status: 'active' | 'paused' | 'disabled';
  disabledReason?: string;
  delivery: RoutineDelivery;
  lastRun?: { completedAt?: string; label: string; state: string };
  modelId: string;
  topicName?: string;
  createdAt?: string;
  /** Whether this Omni instance can pause and resume routines through its API (its spec says so). */
  pausable: boolean;
  /** The routine in Omni's web app (src/omni/links.ts; the pattern is an assumption, see docs/omni-api.md). */
  omniUrl?: string;
}

/** A failure worded for the user, with whether trying again could help. */
export interface UserFacingFailure {
  code: FailureCode;
  message: string;
  retryable: boolean;
  /** Where the user can do it instead (e.g. pause the routine in Omni); rendered as a link by the Slack layer. */
  link?: { url: string; label: string };
}

export type SchedulePreview = ScheduleResult;
