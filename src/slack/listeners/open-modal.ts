/**
 * Opening the routine modal: the one path shared by the command, both shortcuts, Home and "Try again". The view is
 * built from what we have in memory (no Omni call, no Slack call first), so views.open happens well inside the
 * trigger_id's 3 seconds.
 */
import type { WebClient } from '@slack/web-api';
import { previewSchedule } from '../../routines/check-form.js';
import type { RoutineForm } from '../../routines/types.js';
import { EMPTY_FORM } from '../../routines/types.js';
import { type ModalMetadata, buildRoutineModal } from '../views/index.js';
import type { ListenerDeps } from './deps.js';
import { within } from './within.js';

/** The user's Slack time zone if known within `waitMs` (users.info answers are cached by the directory). */
async function lookUpTimezone(deps: ListenerDeps, userId: string, waitMs: number): Promise<string | undefined> {
  const user = await within(waitMs, deps.people.getUser(userId), null);
  return user?.tz || undefined;
}

/** The user's Slack time zone if we can learn it quickly, else the configured default. */
export async function resolveUserTimezone(deps: ListenerDeps, userId: string, waitMs = 800): Promise<string> {
  return (await lookUpTimezone(deps, userId, waitMs)) ?? deps.config.defaultTimezone;
}

export function buildFilledModal(
  deps: ListenerDeps,
  form: RoutineForm,
  metadata: ModalMetadata,
  options: { userTimezone?: string; lastFailure?: string; notice?: string; mode?: 'create' | 'edit' } = {},
) {
  const now = deps.clock();
  const filled: RoutineForm = { ...form, timezone: form.timezone || options.userTimezone || deps.config.defaultTimezone };
  const preview = previewSchedule(filled, deps.config, now);
  return buildRoutineModal({ form: filled, preview, metadata, now, ...options });
}

export async function openRoutineModal(
  deps: ListenerDeps,
  client: WebClient,
  input: { triggerId: string; userId: string; form?: Partial<RoutineForm>; metadata: ModalMetadata; lastFailure?: string },
): Promise<void> {
  const form: RoutineForm = { ...EMPTY_FORM, ...input.form };
  if (!form.channelId && input.metadata.originChannelId) form.channelId = input.metadata.originChannelId;
  const extra = input.lastFailure ? { lastFailure: input.lastFailure } : {};
  // Waiting for users.info here would put a Slack round trip before every first open (and, in a burst of new
  // users, all of them before any views.open). Open with the zone we know now, then fill in the user's zone.
  const known = form.timezone ? undefined : deps.people.peekUser(input.userId)?.tz || undefined;
  const lane = readFillLane(deps);
  lane.opening += 1;
  let opened;
  try {
    opened = await client.views.open({ trigger_id: input.triggerId, view: buildFilledModal(deps, form, input.metadata, { ...(known ? { userTimezone: known } : {}), ...extra }) });
  } catch (err) {
    // Usually the trigger expired (Slack gives 3 s) or was used: the user pressed and nothing opened. Say so.
    const code = (err as { data?: { error?: string } }).data?.error ?? 'no answer';
    deps.logger.warn('views.open failed', { error: code });
    await client.chat
      .postMessage({ channel: input.userId, text: "Sorry, Slack didn't let me open the routine form in time. Please try again." })
      .catch(() => {});
    return;
  } finally {
    lane.opening -= 1;
    pumpFills(lane);
  }
  const view = opened.view;
  if (!view?.id) return;
  const viewId = view.id;
  const needsZone = !form.timezone && !known;
  const openedAt = deps.clock().getTime();
  // After the open: the user's Slack zone (first-time users) and whether they can create routines at all (an
  // unmapped user learns it before filling the form, not after). One views.update at most, and none when all is well.
  deps.inFlight.run('modal follow-up', () =>
    queueFill(lane, async () => {
      if (deps.clock().getTime() - openedAt > FILL_STALE_MS) return;
      const [tz, notice] = await Promise.all([
        needsZone ? lookUpTimezone(deps, input.userId, 2500) : Promise.resolve(undefined),
        deps.service.findIdentityProblem(input.userId).catch(() => null),
      ]);
      const zone = tz && tz !== deps.config.defaultTimezone ? tz : undefined;
      if (!zone && !notice) return;
      const userTimezone = zone ?? known;
      // The hash makes Slack refuse the update if the view changed meanwhile (a preview refresh already used the
      // zone, or the modal was submitted); a closed modal answers not_found. Either way there is nothing to fix.
      await client.views
        .update({
          view_id: viewId,
          ...(view.hash ? { hash: view.hash } : {}),
          view: buildFilledModal(deps, form, input.metadata, { ...(userTimezone ? { userTimezone } : {}), ...(notice ? { notice } : {}), ...extra }),
        })
        .catch((err: unknown) => deps.logger.debug('modal follow-up not applied', { error: (err as { data?: { error?: string } }).data?.error ?? String(err) }));
    }),
  );
}

/**
 * Filling in a zone after the open costs a users.info and a views.update. In a burst of first-time users that work
 * would compete with the views.open calls still to come (whose trigger ids are expiring), so opens go first: fills
 * run one at a time, each only when no views.open is under way, and a fill that waited past FILL_STALE_MS is
 * dropped (the user has moved on; the zone can still be picked by hand).
 */
const FILL_STALE_MS = 10_000;

interface FillLane {
  /** views.open calls under way in this app. */
  opening: number;
  running: boolean;
  /** Waiting fills, oldest first; they never reject. */
  queue: Array<() => Promise<void>>;
}

const fillLanes = new WeakMap<ListenerDeps, FillLane>();

function readFillLane(deps: ListenerDeps): FillLane {
  let lane = fillLanes.get(deps);
  if (!lane) {
    lane = { opening: 0, running: false, queue: [] };
    fillLanes.set(deps, lane);
  }
  return lane;
}

function pumpFills(lane: FillLane): void {
  if (lane.running || lane.opening > 0) return;
  const next = lane.queue.shift();
  if (!next) return;
  lane.running = true;
  void next().then(() => {
    lane.running = false;
    pumpFills(lane);
  });
}

function queueFill(lane: FillLane, work: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    lane.queue.push(() => work().then(resolve, reject));
    pumpFills(lane);
  });
}
