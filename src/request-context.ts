/**
 * What a request's log lines carry: a short request id, the Slack user and the kind of payload. The app's middleware
 * makes a child logger with these fields for every request and listeners pass it on (src/slack/listeners/deps.ts,
 * forRequest), so every line written while handling the request, also after the ack, can be found by its id.
 * Passed explicitly rather than through AsyncLocalStorage, whose promise hooks slow every request of the process.
 */
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  slackUserId?: string;
  kind?: string;
}

export function requestLogFields(body: unknown): RequestContext {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    type?: string;
    command?: string;
    user?: { id?: string };
    user_id?: string;
    event?: { type?: string };
  };
  const slackUserId = b.user?.id ?? b.user_id;
  const kind = b.type === 'event_callback' ? b.event?.type : (b.type ?? b.command);
  return { requestId: randomUUID().slice(0, 8), ...(slackUserId ? { slackUserId } : {}), ...(kind ? { kind } : {}) };
}
