/**
 * The request a piece of work belongs to. Set once per incoming Slack request; every log line written while handling
 * it (including work that continues after the ack) carries its request id, without passing loggers around.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  slackUserId?: string;
  kind?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
