/**
 * Opening the routine modal: the one path shared by the command, both shortcuts, Home and "Try again". The view is
 * built from what we have in memory (no Omni call, no Slack call first), so views.open happens well inside the
 * trigger_id's 3 seconds.
 */
import { performance } from 'node:perf_hooks';
import type { WebClient } from '@slack/web-api';
import { previewSchedule } from '../../routines/check-form.js';
import { type ModelChoice, type RememberedChoices, chooseDefaultModel, chooseDefaultTimezone } from '../../routines/defaults.js';
import type { RoutineForm } from '../../routines/types.js';
import { EMPTY_FORM } from '../../routines/types.js';
import { readSlackRefusal } from '../slack-errors.js';
import { type ModalMetadata, buildRoutineModal, buildTextMessage } from '../views/index.js';
import type { ListenerDeps, RequestActivity } from './deps.js';
import { within } from './within.js';
import { type BoundedCache, createLruCache } from '../../cache.js';
import { type SerialisedView, asViewArgument, serialiseView } from '../views/serialised-view.js';

/** The user's Slack time zone if known within `waitMs` (users.info answers are cached by the directory). */
async function lookUpTimezone(deps: ListenerDeps, userId: string, waitMs: number): Promise<string | undefined> {
  const user = await within(waitMs, deps.people.getUser(userId), null);
  return user?.tz || undefined;
}

/** The user's Slack time zone if we can learn it quickly, else the configured default. */
export async function resolveUserTimezone(deps: ListenerDeps, userId: string, waitMs = 800): Promise<string> {
  return (await lookUpTimezone(deps, userId, waitMs)) ?? deps.config.defaultTimezone;
}

/**
 * The zone a new routine starts in: one the user chose over their Slack zone last time, else their Slack zone if
 * known quickly, else the configured default. Quick create and the message shortcut read the schedule in it.
 */
export async function resolveStartingTimezone(deps: ListenerDeps, userId: string, waitMs = 800): Promise<string> {
  const [remembered, slackZone] = await Promise.all([
    within(DEFAULTS_WAIT_MS, deps.service.getRememberedChoices(userId), {}),
    resolveUserTimezone(deps, userId, waitMs),
  ]);
  return chooseDefaultTimezone(remembered.timezone, slackZone, deps.config.defaultTimezone);
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

/**
 * The opening form for most opens (no schedule typed yet) is the same view for everyone with the same defaults,
 * channel and zone: built and serialised once, then sent as it is (a 3 KB view; building and serialising it was
 * the largest part of the bot's own code in a CPU profile of returning `/routine`s). Remembered per app for the minute it was built in: the
 * zone's label shows its UTC offset at that moment. A form with a schedule is built every time: its preview counts
 * the next runs from now. Kept in the app's ModalState.
 */
const OPENING_VIEWS_KEPT = 100;

export function buildOpeningView(deps: ListenerDeps, form: RoutineForm, metadata: ModalMetadata, options: { userTimezone?: string; lastFailure?: string }): SerialisedView {
  if (form.schedule.trim() !== '') return serialiseView(buildFilledModal(deps, form, metadata, options));
  const views = deps.modals.openingViews;
  const key = JSON.stringify([Math.floor(deps.clock().getTime() / 60_000), form, metadata, options.userTimezone ?? null, options.lastFailure ?? null]);
  let view = views.get(key);
  if (view === undefined) {
    view = serialiseView(buildFilledModal(deps, form, metadata, options));
    views.set(key, view);
  }
  return view;
}

/** How long opening the modal may wait for the remembered choices and the (cached) model list. */
const DEFAULTS_WAIT_MS = 300;

/** The model to preselect, if the (cached) model list answers within `waitMs`. */
async function lookUpDefaultModel(deps: ListenerDeps, remembered: RememberedChoices, waitMs: number, models?: Promise<ModelChoice[] | undefined>) {
  const list = await (models ?? within(waitMs, deps.catalog.searchModels(''), undefined));
  return {
    model: chooseDefaultModel({ remembered, models: list, ...(deps.config.omni.defaultModel ? { configured: deps.config.omni.defaultModel } : {}) }),
    /** The model list answered in time: a later look would choose the same. */
    listAnswered: list !== undefined,
  };
}

/**
 * The form a user starts from: what the caller knows (a quick-create phrase, a message, a draft), then the user's
 * remembered choices (model, zone override, kind of delivery), then the defaults: a DM to the user, the only shared
 * model or OMNI_DEFAULT_MODEL. Delivery to a channel starts on the channel the user was in, when that is a channel.
 */
export async function buildStartingForm(deps: ListenerDeps, userId: string, given: Partial<RoutineForm>, metadata: ModalMetadata): Promise<RoutineForm> {
  return (await startingForm(deps, userId, given, metadata)).form;
}

/** The starting form, and whether the default model is settled (given, or chosen from a model list that answered). */
async function startingForm(
  deps: ListenerDeps,
  userId: string,
  given: Partial<RoutineForm>,
  metadata: ModalMetadata,
): Promise<{ form: RoutineForm; modelSettled: boolean }> {
  // Both at once: the remembered choices (SQLite) and the model list (cached since start) answer in milliseconds.
  const models = given.modelId ? Promise.resolve(undefined) : within(DEFAULTS_WAIT_MS, deps.catalog.searchModels(''), undefined);
  const remembered = await within(DEFAULTS_WAIT_MS, deps.service.getRememberedChoices(userId), {});
  const form: RoutineForm = { ...EMPTY_FORM, ...given };
  if (!given.delivery) form.delivery = remembered.delivery ?? EMPTY_FORM.delivery;
  if (form.delivery === 'channel' && !form.channelId && metadata.originChannelId) form.channelId = metadata.originChannelId;
  if (!form.timezone && remembered.timezone) form.timezone = remembered.timezone;
  let modelSettled = true;
  if (!form.modelId) {
    const { model, listAnswered } = await lookUpDefaultModel(deps, remembered, DEFAULTS_WAIT_MS, models);
    modelSettled = listAnswered;
    if (model) {
      form.modelId = model.id;
      if (model.name) form.modelName = model.name;
    }
  }
  return { form, modelSettled };
}

type OpenModalInput = { triggerId: string; userId: string; form?: Partial<RoutineForm>; metadata: ModalMetadata; lastFailure?: string };

/**
 * Opens the routine modal (and schedules its follow-up). Tracked as in-flight work from the start, so a shutdown,
 * or a test that waits for the app to settle, also waits for an open under way and the follow-up it starts.
 */
export function openRoutineModal(deps: ListenerDeps, client: WebClient, input: OpenModalInput): Promise<void> {
  return new Promise<void>((resolve) => {
    deps.inFlight.run('open the routine form', () => openNow(deps, client, input).finally(resolve));
  });
}

async function openNow(deps: ListenerDeps, client: WebClient, input: OpenModalInput): Promise<void> {
  // A draft (Try again) is reopened exactly as it was; anything else starts from the user's defaults.
  const { form, modelSettled } = input.metadata.draftId
    ? { form: { ...EMPTY_FORM, ...input.form } as RoutineForm, modelSettled: true }
    : await startingForm(deps, input.userId, input.form ?? {}, input.metadata);
  const extra = input.lastFailure ? { lastFailure: input.lastFailure } : {};
  // Waiting for users.info here would put a Slack round trip before every first open (and, in a burst of new
  // users, all of them before any views.open). Open with the zone we know now (a recent users.info, or the
  // users.list read after start), and fill in the user's zone afterwards only when it was not known.
  const known = form.timezone ? undefined : deps.people.peekZone(input.userId) || undefined;
  const lane = deps.modals.fills;
  lane.opening += 1;
  let opened;
  try {
    const view = buildOpeningView(deps, form, input.metadata, { ...(known ? { userTimezone: known } : {}), ...extra });
    opened = await client.views.open({ trigger_id: input.triggerId, view: asViewArgument(view) });
  } catch (err) {
    // Usually the trigger expired (Slack gives 3 s) or was used: the user pressed and nothing opened. Say so.
    const code = readSlackRefusal(err) ?? 'no answer';
    deps.logger.warn('views.open failed', { error: code });
    await client.chat
      .postMessage({ channel: input.userId, ...buildTextMessage(":warning: Sorry, Slack didn't let me open the routine form in time. Please try again.") })
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
  // A returning user usually leaves nothing to check: their zone is known, the model list answered and they were
  // found able to create routines a moment ago.
  if (!needsZone && modelSettled && deps.service.identityRecentlyFine(input.userId)) return;
  const openedAt = deps.clock().getTime();
  // After the open: the user's Slack zone (first-time users) and whether they can create routines at all (an
  // unmapped user learns it before filling the form, not after). One views.update at most, and none when all is well.
  deps.inFlight.run('modal follow-up', () =>
    queueFill(lane, async () => {
      if (deps.clock().getTime() - openedAt > FILL_STALE_MS) return;
      const [tz, notice, model] = await Promise.all([
        needsZone ? lookUpTimezone(deps, input.userId, 2500) : Promise.resolve(undefined),
        deps.service.findIdentityProblem(input.userId).catch(() => null),
        // The model list was not there in time for the open (a cold cache): preselect once it is.
        modelSettled ? Promise.resolve(undefined) : deps.service.getRememberedChoices(input.userId).then(async (r) => (await lookUpDefaultModel(deps, r, 2500)).model),
      ]);
      const zone = tz && tz !== deps.config.defaultTimezone ? tz : undefined;
      if (!zone && !notice && !model) return;
      if (model) {
        form.modelId = model.id;
        if (model.name) form.modelName = model.name;
      }
      const userTimezone = zone ?? known;
      // The hash makes Slack refuse the update if the view changed meanwhile (a preview refresh already used the
      // zone, or the modal was submitted); a closed modal answers not_found. Either way there is nothing to fix.
      await client.views
        .update({
          view_id: viewId,
          ...(view.hash ? { hash: view.hash } : {}),
          view: buildFilledModal(deps, form, input.metadata, { ...(userTimezone ? { userTimezone } : {}), ...(notice ? { notice } : {}), ...extra }),
        })
        .catch((err: unknown) => deps.logger.debug('modal follow-up not applied', { error: readSlackRefusal(err) ?? String(err) }));
    }),
  );
}

/**
 * Filling in a zone after the open costs a users.info, an identity check and a views.update. In a burst of
 * first-time users that work would compete with the acks and views.open calls still to come (whose trigger ids are
 * expiring), so opens go first: fills run one at a time, each only when no request is being handled (a command's
 * handling ends once its modal is open; a request counts for Slack's 3 s at most, so one waiting on Omni holds no
 * fill back for longer) and none came in for FILL_QUIET_MS. Watching only for new requests was not
 * enough: a burst is often all received long before its last modal opens, and a benchmark found half of a burst's
 * fills running before its last open. While requests keep trickling in, a fill during which one came is followed by
 * FILL_YIELD_MS without fills, so fills take a small share of a busy app's time; once requests stop, the rest run
 * back to back. A fill that waited past FILL_STALE_MS is dropped (the user has moved on; the zone can still be
 * picked by hand).
 */
const FILL_STALE_MS = 10_000;
const FILL_QUIET_MS = 20;
const FILL_YIELD_MS = 100;

export interface FillLane {
  /** views.open calls under way in this app. */
  opening: number;
  running: boolean;
  /** A pump is scheduled for when the requests have been quiet long enough. */
  waiting: boolean;
  /** No fill starts before this (performance.now()): set after a fill during which requests came in. */
  resumeAt: number;
  activity: RequestActivity;
  /** Waiting fills, oldest first; they never reject. */
  queue: Array<() => Promise<void>>;
}

/** Where the app does not say how busy it is (some tests): never busy. */
const IDLE: RequestActivity = { lastRequestAt: () => 0, underWay: () => 0 };

/**
 * What opening the modal keeps per app: the fill lane (newcomers' follow-ups, one at a time) and the remembered
 * opening views. Made once with the app's deps (`forRequest` copies deps per request and keeps this object).
 */
export interface ModalState {
  fills: FillLane;
  openingViews: BoundedCache<string, SerialisedView>;
}

export function createModalState(activity: RequestActivity = IDLE): ModalState {
  return {
    fills: { opening: 0, running: false, waiting: false, resumeAt: 0, activity, queue: [] },
    openingViews: createLruCache<string, SerialisedView>({ max: OPENING_VIEWS_KEPT }),
  };
}

function pumpFills(lane: FillLane): void {
  if (lane.running || lane.waiting || lane.opening > 0 || lane.queue.length === 0) return;
  const now = performance.now();
  const wait = Math.max(FILL_QUIET_MS - (now - lane.activity.lastRequestAt()), lane.resumeAt - now, lane.activity.underWay() > 0 ? FILL_QUIET_MS : 0);
  if (wait > 0) {
    lane.waiting = true;
    setTimeout(() => {
      lane.waiting = false;
      pumpFills(lane);
    }, wait);
    return;
  }
  const next = lane.queue.shift();
  if (!next) return;
  lane.running = true;
  const startedAt = now;
  void next().then(() => {
    lane.running = false;
    // Requests came in while this fill ran: the app is busy, so the next fill waits a while.
    if (lane.activity.lastRequestAt() > startedAt) lane.resumeAt = performance.now() + FILL_YIELD_MS;
    pumpFills(lane);
  });
}

function queueFill(lane: FillLane, work: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    lane.queue.push(() => work().then(resolve, reject));
    pumpFills(lane);
  });
}
