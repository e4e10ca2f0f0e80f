/**
 * The fetch the bot's WebClients use (web-api's `fetch` option): Web API calls over Node's `http`/`https` with
 * keep-alive agents, each with a time limit that ends with the call.
 *
 * Why not Node's `fetch` with web-api's `timeout` option: the option makes an `AbortSignal.timeout()` per call, and
 * Node's fetch ties every signal it is given to the request through a WeakRef, an abort listener and a
 * FinalizationRegistry entry that live on after the answer (the timeout signal itself, with its timer, lives for the
 * whole limit). In a burst of modal opens that bookkeeping, and the garbage collection it caused, cost as much CPU
 * per returning command as everything else the bot adds over a bare Bolt app, which sets no timeout
 * (docs/performance.md: returning CPU per command about 1.25x bare with a signal per call, 0.97x without). A call
 * with no time limit is not an option: a Slack edge that never answers would hold a modal's handler forever.
 *
 * What web-api needs of a fetch is small (its `FetchFunction`): a POST with a string body and headers, the status,
 * headers and body text of the answer, no redirects. That is what this gives; a body that is not a string (the
 * FormData of file uploads, which the bot does not make) goes to Node's fetch with a timeout signal instead.
 *
 * The limit covers sending the request and reading the whole answer. Past it the request is destroyed and the call
 * fails with a `TimeoutError` (web-api wraps it as a request error and retries it by its retry policy), as with
 * web-api's option. Idle connections are kept for reuse by the agents; Node closes one a second before the server's
 * announced keep-alive timeout and after IDLE_SOCKET_MS at the latest, so a request is not sent on a connection the
 * server is closing (docs/slack.md, keep-alive).
 */
import http from 'node:http';
import https from 'node:https';
import type { FetchFunction } from '@slack/web-api';

type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** An idle kept-alive connection is closed after this at the latest. */
const IDLE_SOCKET_MS = 4000;

export interface SlackFetch extends FetchFunction {
  /** Closes the idle connections (shutdown). */
  close(): void;
}

export interface SlackFetchOptions {
  /** The timer functions (tests count what is set and cleared); default Node's. */
  timers?: { setTimeout: (fn: () => void, ms: number) => { unref?(): unknown }; clearTimeout: (timer: never) => void };
}

const timeoutError = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

export function createSlackFetch(timeoutMs: number, options: SlackFetchOptions = {}): SlackFetch {
  if (!(timeoutMs > 0)) throw new RangeError('timeoutMs must be above 0');
  const timers = options.timers ?? { setTimeout, clearTimeout };
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };

  const slackFetch = (url: string | URL, init: FetchRequestInit = {}): Promise<FetchResponse> => {
    if (init.body !== undefined && typeof init.body !== 'string') {
      return globalThis.fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
    }
    const target = typeof url === 'string' ? new URL(url) : url;
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return Promise.reject(new TypeError(`fetch: unsupported protocol ${target.protocol}`));
    const transport = target.protocol === 'https:' ? https : http;
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    return new Promise<FetchResponse>((resolve, reject) => {
      let settleBody: { resolve: (b: Buffer) => void; reject: (e: unknown) => void } | undefined;
      let finished = false;
      const fail = (err: unknown) => {
        if (finished) return;
        finished = true;
        timers.clearTimeout(timer as never);
        if (settleBody) settleBody.reject(err);
        else reject(err);
      };
      const req = transport.request(
        target,
        {
          method: init.method ?? 'GET',
          headers: { ...init.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
          agent: agents[target.protocol as 'http:' | 'https:'],
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (init.redirect === 'error' && status >= 300 && status < 400 && res.headers.location !== undefined) {
            res.resume();
            fail(new TypeError('fetch failed: redirect'));
            return;
          }
          const chunks: Buffer[] = [];
          const bodyRead = new Promise<Buffer>((resolveBody, rejectBody) => {
            settleBody = { resolve: resolveBody, reject: rejectBody };
          });
          // Nobody may read the body (web-api does not for some failures): a failure then is not unhandled.
          bodyRead.catch(() => undefined);
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (finished) return;
            finished = true;
            timers.clearTimeout(timer as never);
            settleBody?.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
          });
          res.on('error', fail);
          res.on('aborted', () => fail(new Error('the connection closed before the answer was complete')));
          const text = async () => (await bodyRead).toString('utf8');
          resolve({
            ok: status >= 200 && status < 300,
            status,
            statusText: res.statusMessage ?? '',
            url: target.href,
            headers: headersOf(res.headers),
            text,
            json: async () => JSON.parse(await text()) as unknown,
            arrayBuffer: async () => {
              const b = await bodyRead;
              return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
            },
          });
        },
      );
      const timer = timers.setTimeout(() => req.destroy(timeoutError()), timeoutMs);
      // A call under way keeps the process up through its socket; its timer need not.
      timer.unref?.();
      req.on('error', fail);
      const signal = init.signal;
      if (signal) {
        if (signal.aborted) req.destroy(signal.reason as Error);
        else signal.addEventListener('abort', () => req.destroy(signal.reason as Error), { once: true });
      }
      req.end(body);
    });
  };

  return Object.assign(slackFetch, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** A fetch-style view of Node's response headers (names are matched case-insensitively; repeats joined by ", "). */
function headersOf(raw: http.IncomingHttpHeaders): FetchResponse['headers'] {
  const valueOf = (v: string | string[] | undefined) => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : v);
  return {
    get: (name) => valueOf(raw[name.toLowerCase()]),
    *entries() {
      for (const [name, value] of Object.entries(raw)) {
        const v = valueOf(value);
        if (v !== null) yield [name, v] as [string, string];
      }
    },
  };
}
