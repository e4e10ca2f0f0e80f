/**
 * How listeners are registered: by id, in tables, behind one Bolt middleware that routes every payload.
 *
 * Bolt runs the middleware chain of every registered listener on every request: each listener costs a copy of its
 * middleware array, one spread of the request's arguments per matcher, an async chain that mostly says "not mine",
 * and a place in a Promise.allSettled. With the bot's 37 listeners that was about 0.35 ms of CPU per request, a
 * third of what the bot spent on a `/routine` over a bare Bolt app; one listener per kind of payload (six) still
 * cost the bot more than bare Bolt's single listener (docs/performance.md). So the bot registers no Bolt listeners:
 * the last global middleware (`app.use`, after the request's own middleware in app.ts) reads the payload's kind
 * (button presses, option searches, submissions, shortcuts of both kinds, events of every type, commands) and looks
 * its handler up by action id, callback id, event type or command name. It never calls `next()`, so Bolt's
 * (empty) listener stage does not run. A handler's failure reaches `app.error` as a listener's would. A payload
 * whose id no handler has is left unanswered, and the ack guard (request-guards.ts) answers it as before.
 *
 * Global middleware gets the same arguments Bolt gives a listener (`command`, `action`, `view`, `shortcut`,
 * `event`, `ack`, `say`, `respond`, `client`, `context`), only `next` differs, and no handler calls it.
 *
 * Every handler gets the request's own deps (`forRequest`: its logger carries the request id).
 */
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  GlobalShortcut,
  MessageShortcut,
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

/** Collects handlers; `install` then gives Bolt the one middleware that routes to them. */
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
      app.use(async (args) => {
        const type = (args.body as { type?: unknown }).type;
        if ('command' in args) {
          await dispatch(commands, args.command.command, args);
        } else if ('action' in args) {
          if (type === 'block_actions') await dispatch(actions, (args.action as BlockAction['actions'][number] | undefined)?.action_id, args as ActionArgs);
        } else if ('options' in args) {
          if (type === 'block_suggestion') await dispatch(options, (args.options as OptionsArgs['payload'] | undefined)?.action_id, args as OptionsArgs);
        } else if ('view' in args) {
          if (type === 'view_submission') await dispatch(submissions, (args.view as ViewSubmissionArgs['view'] | undefined)?.callback_id, args as ViewSubmissionArgs);
        } else if ('shortcut' in args) {
          const shortcut = args.shortcut as SlackShortcutMiddlewareArgs['shortcut'] | undefined;
          if (shortcut?.type === 'shortcut') await dispatch(globalShortcuts, shortcut.callback_id, args as GlobalShortcutArgs);
          else if (shortcut?.type === 'message_action') await dispatch(messageShortcuts, shortcut.callback_id, args as MessageShortcutArgs);
        } else if ('event' in args) {
          await dispatch(events, (args.event as EventArgs<string>['event'] | undefined)?.type, args as EventArgs<string>);
        }
      });
    },
  };
}
