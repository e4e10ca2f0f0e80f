/**
 * The view model: Omni's record of a routine → what the bot shows of it (RoutineView), with the schedule in words and
 * its next runs from the schedule engine. Pure.
 */
import { omniRoutineUrl } from '../omni/links.js';
import { readOmniCron } from '../schedule/cron.js';
import { describeCron } from '../schedule/describe.js';
import { computeNextRuns } from '../schedule/next-runs.js';
import type { OmniRoutineRecord } from './ports.js';
import type { RoutineDelivery, RoutineView } from './types.js';

function toDelivery(d: OmniRoutineRecord['destination']): RoutineDelivery {
  if (d.type === 'slack') return d.slackRecipientType === 'channel' ? { kind: 'channel', channelId: d.recipientId } : { kind: 'dm', userId: d.recipientId };
  if (d.type === 'email') return { kind: 'email', recipients: d.recipientEmails, groupCount: d.userGroupIds.length };
  return { kind: 'other', omniType: d.omniType };
}

/** What a routine view needs beyond the record: whether the instance can pause, and Omni's address for links. */
export interface RoutineViewContext {
  pausable: boolean;
  omniBaseUrl?: string;
}

/** Omni's record → what the bot shows; a schedule the engine cannot read is shown as the raw cron. */
export function toRoutineView(record: OmniRoutineRecord, now: Date, context: RoutineViewContext = { pausable: true }, count = 3): RoutineView {
  const read = readOmniCron(record.schedule);
  let scheduleText = record.schedule;
  let nextRuns: string[] = [];
  const status: RoutineView['status'] = record.systemDisabled ? 'disabled' : record.disabled ? 'paused' : 'active';
  if (read.ok) {
    scheduleText = describeCron(read.cron);
    if (status === 'active') {
      try {
        nextRuns = computeNextRuns(read.cron, record.timezone, now, count).map((d) => d.toISO() ?? '');
      } catch {
        nextRuns = [];
      }
    }
  }
  return {
    id: record.id,
    name: record.name,
    prompt: record.prompt,
    schedule: record.schedule,
    timezone: record.timezone,
    scheduleText,
    nextRuns,
    status,
    ...(record.systemDisabledReason ? { disabledReason: record.systemDisabledReason } : {}),
    delivery: toDelivery(record.destination),
    ...(record.lastRun
      ? { lastRun: { label: record.lastRun.label, state: record.lastRun.state, ...(record.lastRun.completedAt ? { completedAt: record.lastRun.completedAt } : {}) } }
      : {}),
    modelId: record.modelId,
    ...(record.topicName ? { topicName: record.topicName } : {}),
    createdAt: record.createdAt,
    pausable: context.pausable,
    ...(context.omniBaseUrl ? { omniUrl: omniRoutineUrl(context.omniBaseUrl, record.id) } : {}),
  };
}

/** A view function bound to a clock and to what the instance offers now (pause can come and go with its spec). */
export function routineViewer(clock: () => Date, context: () => RoutineViewContext): (record: OmniRoutineRecord) => RoutineView {
  return (record) => toRoutineView(record, clock(), context());
}

/** A routine already deleted, known only by its id and name (for the "was deleted" answer). */
export function goneRoutineView(id: string, name: string): RoutineView {
  return { id, name, prompt: '', schedule: '', timezone: '', scheduleText: '', nextRuns: [], status: 'paused', delivery: { kind: 'email', recipients: [], groupCount: 0 }, modelId: '', pausable: false };
}
