/**
 * How listeners are registered: by id, in tables, behind one Bolt listener per kind of payload.
 *
 * Bolt runs the middleware of every registered listener on every request (each one an async chain that mostly
 * says "not mine"): with the bot's 37 listeners that was about 0.35 ms of CPU per request, a third of what the bot
 * spent on a `/routine` over a bare Bolt app (docs/performance.md). Here each kind (button presses, option searches,
 * submissions, shortcuts of both kinds, events of every type, each command) has one Bolt listener that looks its
 * handler up by action id, callback id or event type. A payload
 * whose id no handler has is left unanswered, and the ack guard (request-guards.ts) answers it as before.
 *
 * Every handler gets the request's own deps (`forRequest`: its logger carries the request id).
 */
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  GlobalShortcut,
  MessageShortcut,
  SlackShortcut,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { type ListenerDeps, forRequest } from './deps.js';

export type ActionArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;
export type OptionsArgs = AllMiddlewareArgs & SlackOptionsMiddlewareArgs<'block_suggestion'>;
export type ViewSubmissionArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;
export type GlobalShortcutArgs = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<GlobalShortcut>;
export type MessageShortcutArgs = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;
export type CommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;
export type EventArgs<T extends string> = AllMiddlewareArgs & SlackEventMiddlewareArgs<T>;

export type Handler<A> = (args: A, deps: ListenerDeps) => Promise<unknown>;

export interface Routes {
  /** A button, menu or input with this action id (block_actions). */
  action(actionId: string, handler: Handler<ActionArgs>): void;
  /** An external select's option search (block_suggestion). */
  options(actionId: string, handler: Handler<OptionsArgs>): void;
  /** A modal with this callback id submitted. */
  viewSubmission(callbackId: string, handler: Handler<ViewSubmissionArgs>): void;
  globalShortcut(callbackId: string, handler: Handler<GlobalShortcutArgs>): void;
  messageShortcut(callbackId: string, handler: Handler<MessageShortcutArgs>): void;
  command(name: string, handler: Handler<CommandArgs>): void;
  event<T extends 'app_home_opened' | 'app_mention' | 'message'>(type: T, handler: Handler<EventArgs<T>>): void;
}

/** Collects handlers; `install` then gives Bolt one listener per kind that has any. */
export function createRoutes(baseDeps: ListenerDeps): Routes & { install(app: App): void } {
  const actions = new Map<string, Handler<ActionArgs>>();
  const options = new Map<string, Handler<OptionsArgs>>();
  const submissions = new Map<string, Handler<ViewSubmissionArgs>>();
  const globalShortcuts = new Map<string, Handler<GlobalShortcutArgs>>();
  const messageShortcuts = new Map<string, Handler<MessageShortcutArgs>>();
  const commands = new Map<string, Handler<CommandArgs>>();
  const events = new Map<string, Handler<EventArgs<string>>>();

  const add = <A>(table: Map<string, Handler<A>>, kind: string, id: string, handler: Handler<A>) => {
    if (table.has(id)) throw new Error(`two ${kind} handlers for "${id}"`);
    table.set(id, handler);
  };
  const dispatch = <A extends { context: AllMiddlewareArgs['context'] }>(table: Map<string, Handler<A>>, id: string | undefined, args: A) => {
    const handler = id === undefined ? undefined : table.get(id);
    return handler === undefined ? undefined : handler(args, forRequest(baseDeps, args.context));
  };

  return {
    action: (id, handler) => add(actions, 'action', id, handler),
    options: (id, handler) => add(options, 'options', id, handler),
    viewSubmission: (id, handler) => add(submissions, 'view submission', id, handler),
    globalShortcut: (id, handler) => add(globalShortcuts, 'shortcut', id, handler),
    messageShortcut: (id, handler) => add(messageShortcuts, 'message shortcut', id, handler),
    command: (name, handler) => add(commands, 'command', name, handler),
    event: (type, handler) => add(events, 'event', type, handler as unknown as Handler<EventArgs<string>>),
    install(app) {
      if (actions.size > 0) app.action<BlockAction>({ type: 'block_actions' }, async (args) => void (await dispatch(actions, args.action.action_id, args)));
      if (options.size > 0)
        app.options<'block_suggestion'>({ type: 'block_suggestion' }, async (args) => void (await dispatch(options, args.payload.action_id, args as OptionsArgs)));
      if (submissions.size > 0)
        app.view<ViewSubmitAction>({ type: 'view_submission' }, async (args) => void (await dispatch(submissions, args.view.callback_id, args as ViewSubmissionArgs)));
      if (globalShortcuts.size > 0 || messageShortcuts.size > 0)
        // No callback_id pattern: Bolt would call .match() on whatever a (forged) payload holds there.
        app.shortcut<SlackShortcut>({}, async (args) => {
          const { shortcut } = args;
          if (shortcut.type === 'shortcut') await dispatch(globalShortcuts, shortcut.callback_id, args as GlobalShortcutArgs);
          else await dispatch(messageShortcuts, shortcut.callback_id, args as MessageShortcutArgs);
        });
      for (const [name, handler] of commands) app.command(name, async (args) => void (await handler(args, forRequest(baseDeps, args.context))));
      if (events.size > 0) {
        const types = new RegExp(`^(?:${[...events.keys()].join('|')})$`);
        app.event(types, async (args) => void (await dispatch(events, args.event.type, args as EventArgs<string>)));
      }
    },
  };
}
