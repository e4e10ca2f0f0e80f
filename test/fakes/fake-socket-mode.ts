/**
 * A fake Slack Socket Mode endpoint: a minimal RFC 6455 WebSocket server on 127.0.0.1, written on node:http's
 * 'upgrade' event and node:crypto (no dependency), speaking what @slack/socket-mode 3 expects
 * (node_modules/@slack/socket-mode/dist/src/SocketModeClient.js, SlackWebSocket.js):
 *
 * - the client connects to the URL `apps.connections.open` returned (`issueUrl()` mints one, single-use ticket);
 * - the server greets with `{ type: 'hello', num_connections, debug_info, connection_info }`; the client's start()
 *   resolves only then;
 * - envelopes `{ envelope_id, type: 'slash_commands' | 'interactive' | 'events_api', payload, accepts_response_payload }`
 *   go down, acks `{ envelope_id, payload }` come up (payload is `{}` for an empty ack);
 * - the client pings every clientPingTimeout/3 (5000/3 ms) and drops the link after 3 unanswered pings, so pings
 *   are answered with pongs; `{ type: 'disconnect', reason, debug_info }` asks the client to reconnect.
 *
 * Frames: text/binary/continuation/close/ping/pong, 7/16/64-bit lengths, client frames must be masked (RFC 6455
 * §5.1), no extension is negotiated (undici offers permessage-deflate; omitting the header declines it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
/** Large enough for any Slack payload (a view is ≤ 250 kB); bigger frames are refused with 1009. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the client sends back for an envelope. */
export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface ClosedConnection {
  connection: number;
  /** Close code in the close frame (undefined: no code, or the TCP link dropped without a close frame). */
  code: number | undefined;
  reason: string;
  initiatedBy: 'client' | 'server' | 'none';
  /** True when both close frames were exchanged before the TCP link closed. */
  clean: boolean;
}

export interface FakeSocketModeOptions {
  appId?: string;
  /** Answer client pings with pongs (default true); false models a link that silently died. */
  answerPings?: boolean;
  /** How long send() waits for an ack before rejecting (default 5000 ms; Slack itself gives up at 3 s). */
  ackTimeoutMs?: number;
}

export interface SendEnvelopeOptions {
  envelopeId?: string;
  /** Slack sets it for slash commands, view submissions and block suggestions (they can answer in the ack). */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
}

export interface FakeSocketMode {
  /** `ws://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** A connection URL as apps.connections.open returns it: `ws://…/link/?ticket=<uuid>&app_id=<id>`, usable once. */
  issueUrl(): string;
  /** Handshakes completed (hello sent), ever. */
  readonly connectionsOpened: number;
  /** Connections open now: handshake done and no close frame sent or received (WebSocket readyState OPEN). */
  readonly openConnections: number;
  /** Upgrade requests refused, with why (bad ticket, missing key, wrong version…). */
  readonly refusedHandshakes: readonly string[];
  /** Resolves once `count` handshakes have completed in total. */
  waitForConnections(count?: number, timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the newest open connection and resolves with the client's ack for that envelope_id. */
  send(type: EnvelopeType, payload: object, options?: SendEnvelopeOptions): Promise<SocketModeAck>;
  /** Sends a text frame as is (malformed-message tests). */
  sendRaw(text: string): void;
  /** Every text message the client sent, JSON-parsed (or the raw string when it was not JSON). */
  readonly received: readonly unknown[];
  /** Pings the client; resolves with the payload of its pong. */
  ping(data?: string, timeoutMs?: number): Promise<string>;
  /** Pings received from the client (and answered unless answerPings is false). */
  readonly pingsFromClient: number;
  /** Asks the client to reconnect, as Slack does before recycling a server (`refresh_requested`, `link_disabled`, …). */
  sendDisconnect(reason?: string): void;
  /** Connections that have ended, in order. */
  readonly closed: readonly ClosedConnection[];
  /** Resolves with the `count`-th ended connection (1-based). */
  waitForClose(count?: number, timeoutMs?: number): Promise<ClosedConnection>;
  /** Closes every connection with 1001 (going away), waits briefly for the client's reply, stops listening. */
  close(): Promise<void>;
}

/** One server-to-client frame: FIN set, never masked (RFC 6455 §5.1). */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) {
    header = Buffer.from([0x80 | opcode, len]);
  } else if (len < 0x10000) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(126, 1);
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(127, 1);
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

function closePayload(code: number | undefined, reason = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
}

interface Connection {
  id: number;
  socket: Socket;
  buffer: Buffer;
  /** Fragments of a message in progress (FIN=0 then continuation frames). */
  fragments: { opcode: number; parts: Buffer[]; size: number } | undefined;
  sentClose: boolean;
  receivedClose: { code: number | undefined; reason: string } | undefined;
  /** Who sent the first close frame. */
  closeStarter: 'client' | 'server' | undefined;
  ended: boolean;
}

interface Waiter<T> {
  check: () => T | undefined;
  resolve: (value: T) => void;
}

export async function startFakeSocketMode(options: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const appId = options.appId ?? 'A0001';
  const answerPings = options.answerPings ?? true;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;

  const tickets = new Map<string, { used: boolean }>();
  const connections = new Map<number, Connection>();
  const closed: ClosedConnection[] = [];
  const received: unknown[] = [];
  const refusedHandshakes: string[] = [];
  const ackWaiters = new Map<string, (ack: SocketModeAck) => void>();
  const pongWaiters = new Map<string, (data: string) => void>();
  const waiters = new Set<Waiter<unknown>>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let connectionSeq = 0;
  let connectionsOpened = 0;
  let pingsFromClient = 0;

  function notify(): void {
    for (const w of [...waiters]) {
      const value = w.check();
      if (value !== undefined) {
        waiters.delete(w);
        w.resolve(value);
      }
    }
  }

  /** Resolves when `check` returns something; rejects with `what` after timeoutMs. */
  function waitUntil<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        check,
        resolve: (v) => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(v);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter as Waiter<unknown>);
        timers.delete(timer);
        reject(new Error(`fake Socket Mode: ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      timers.add(timer);
      waiters.add(waiter as Waiter<unknown>);
    });
  }

  function write(conn: Connection, opcode: number, payload: Buffer): void {
    if (conn.ended || conn.socket.destroyed || conn.sentClose) return;
    conn.socket.write(encodeFrame(opcode, payload));
  }

  function sendClose(conn: Connection, code: number | undefined, reason = ''): void {
    if (conn.sentClose || conn.ended || conn.socket.destroyed) return;
    conn.socket.write(encodeFrame(OP.close, closePayload(code, reason)));
    conn.sentClose = true;
    conn.closeStarter ??= 'server';
  }

  /** Protocol error: close with `code` and drop the link (RFC 6455 §7.1.7). */
  function fail(conn: Connection, code: number, reason: string): void {
    sendClose(conn, code, reason);
    conn.socket.destroy();
  }

  function onMessage(conn: Connection, opcode: number, data: Buffer): void {
    if (opcode === OP.binary) {
      received.push(data);
      notify();
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      fail(conn, 1007, 'invalid UTF-8');
      return;
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      // Kept as the raw string: a client sending non-JSON is what a test wants to see.
    }
    received.push(parsed);
    const envelopeId = typeof parsed === 'object' && parsed !== null ? (parsed as { envelope_id?: unknown }).envelope_id : undefined;
    if (typeof envelopeId === 'string') {
      const resolve = ackWaiters.get(envelopeId);
      ackWaiters.delete(envelopeId);
      resolve?.(parsed as SocketModeAck);
    }
    notify();
  }

  function onFrame(conn: Connection, fin: boolean, opcode: number, data: Buffer): void {
    if (opcode >= 0x8) {
      // Control frames: ≤ 125 bytes, never fragmented (§5.5).
      if (!fin || data.length > 125) {
        fail(conn, 1002, 'bad control frame');
        return;
      }
      if (opcode === OP.close) {
        const code = data.length >= 2 ? data.readUInt16BE(0) : undefined;
        conn.receivedClose = { code, reason: data.subarray(2).toString('utf8') };
        conn.closeStarter ??= 'client';
        // Echo the code if we have not closed yet, then the server closes TCP first (§7.1.1).
        sendClose(conn, code);
        conn.socket.end();
      } else if (opcode === OP.ping) {
        pingsFromClient += 1;
        if (answerPings) write(conn, OP.pong, data);
        notify();
      } else if (opcode === OP.pong) {
        const key = data.toString('utf8');
        const resolve = pongWaiters.get(key);
        pongWaiters.delete(key);
        resolve?.(key);
      } else {
        fail(conn, 1002, 'unknown opcode');
      }
      return;
    }
    if (opcode === OP.continuation) {
      const f = conn.fragments;
      if (!f) {
        fail(conn, 1002, 'continuation without a start');
        return;
      }
      f.parts.push(data);
      f.size += data.length;
      if (f.size > MAX_MESSAGE_BYTES) {
        fail(conn, 1009, 'message too big');
        return;
      }
      if (fin) {
        conn.fragments = undefined;
        onMessage(conn, f.opcode, Buffer.concat(f.parts));
      }
      return;
    }
    if (opcode !== OP.text && opcode !== OP.binary) {
      fail(conn, 1002, 'unknown opcode');
      return;
    }
    if (conn.fragments) {
      fail(conn, 1002, 'new message inside a fragmented one');
      return;
    }
    if (fin) onMessage(conn, opcode, data);
    else conn.fragments = { opcode, parts: [data], size: data.length };
  }

  function onData(conn: Connection, chunk: Buffer): void {
    conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
    for (;;) {
      const buf = conn.buffer;
      if (buf.length < 2 || conn.ended) return;
      const b0 = buf.readUInt8(0);
      const b1 = buf.readUInt8(1);
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) return;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE_BYTES)) {
          fail(conn, 1009, 'message too big');
          return;
        }
        length = Number(big);
        offset = 10;
      }
      if ((b0 & 0x70) !== 0) {
        fail(conn, 1002, 'reserved bits set without an extension');
        return;
      }
      if ((b1 & 0x80) === 0) {
        fail(conn, 1002, 'client frames must be masked');
        return;
      }
      if (buf.length < offset + 4 + length) return;
      const mask = buf.subarray(offset, offset + 4);
      const data = Buffer.from(buf.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ (mask[i % 4] ?? 0);
      conn.buffer = buf.subarray(offset + 4 + length);
      onFrame(conn, fin, opcode, data);
    }
  }

  function refuse(socket: Socket, status: string, why: string): void {
    refusedHandshakes.push(why);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    notify();
  }

  function onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const key = req.headers['sec-websocket-key'];
    const ticket = url.searchParams.get('ticket') ?? '';
    const issued = tickets.get(ticket);
    if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket') return refuse(socket, '400 Bad Request', 'not a WebSocket upgrade');
    if (!/\bupgrade\b/i.test(req.headers.connection ?? '')) return refuse(socket, '400 Bad Request', 'Connection header lacks Upgrade');
    if (req.headers['sec-websocket-version'] !== '13') return refuse(socket, '426 Upgrade Required', 'Sec-WebSocket-Version is not 13');
    if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) return refuse(socket, '400 Bad Request', 'bad Sec-WebSocket-Key');
    if (url.pathname !== '/link/' || !issued) return refuse(socket, '401 Unauthorized', 'unknown ticket');
    if (issued.used) return refuse(socket, '401 Unauthorized', 'ticket already used');
    issued.used = true;

    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
    socket.setNoDelay(true);
    const conn: Connection = {
      id: ++connectionSeq,
      socket,
      buffer: Buffer.alloc(0),
      fragments: undefined,
      sentClose: false,
      receivedClose: undefined,
      closeStarter: undefined,
      ended: false,
    };
    connections.set(conn.id, conn);
    socket.on('data', (chunk: Buffer) => onData(conn, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conn.ended = true;
      connections.delete(conn.id);
      closed.push({
        connection: conn.id,
        code: conn.receivedClose?.code,
        reason: conn.receivedClose?.reason ?? '',
        initiatedBy: conn.closeStarter ?? 'none',
        clean: conn.sentClose && conn.receivedClose !== undefined,
      });
      notify();
    });
    connectionsOpened += 1;
    write(
      conn,
      OP.text,
      Buffer.from(
        JSON.stringify({
          type: 'hello',
          num_connections: connections.size,
          debug_info: { host: `applink-fake-${conn.id}`, build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: appId },
        }),
      ),
    );
    if (head.length > 0) onData(conn, head);
    notify();
  }

  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
    res.end('WebSocket only');
  });
  server.on('upgrade', onUpgrade);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `ws://127.0.0.1:${port}`;

  const newest = (): Connection => {
    const open = [...connections.values()].filter((c) => !c.sentClose && !c.receivedClose);
    const conn = open.at(-1);
    if (!conn) throw new Error('fake Socket Mode: no open connection');
    return conn;
  };

  return {
    baseUrl,
    issueUrl() {
      const ticket = randomUUID();
      tickets.set(ticket, { used: false });
      return `${baseUrl}/link/?ticket=${ticket}&app_id=${appId}`;
    },
    get connectionsOpened() {
      return connectionsOpened;
    },
    get openConnections() {
      return [...connections.values()].filter((c) => !c.sentClose && !c.receivedClose).length;
    },
    refusedHandshakes,
    waitForConnections(count = 1, timeoutMs = 5000) {
      return waitUntil(() => (connectionsOpened >= count ? true : undefined), `${count} connection(s) not opened (${connectionsOpened} so far)`, timeoutMs).then(() => undefined);
    },
    send(type, payload, opts = {}) {
      const conn = newest();
      const envelopeId = opts.envelopeId ?? randomUUID();
      const envelope = {
        envelope_id: envelopeId,
        payload,
        type,
        accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' } : {}),
      };
      return new Promise<SocketModeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          ackWaiters.delete(envelopeId);
          reject(new Error(`fake Socket Mode: no ack for ${type} envelope ${envelopeId} within ${ackTimeoutMs} ms`));
        }, ackTimeoutMs);
        timers.add(timer);
        ackWaiters.set(envelopeId, (ack) => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(ack);
        });
        write(conn, OP.text, Buffer.from(JSON.stringify(envelope)));
      });
    },
    sendRaw(text) {
      write(newest(), OP.text, Buffer.from(text));
    },
    received,
    ping(data = `ping-${randomUUID()}`, timeoutMs = 2000) {
      const conn = newest();
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          pongWaiters.delete(data);
          reject(new Error(`fake Socket Mode: no pong for "${data}" within ${timeoutMs} ms`));
        }, timeoutMs);
        timers.add(timer);
        pongWaiters.set(data, (pong) => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(pong);
        });
        write(conn, OP.ping, Buffer.from(data));
      });
    },
    get pingsFromClient() {
      return pingsFromClient;
    },
    sendDisconnect(reason = 'refresh_requested') {
      const conn = newest();
      write(conn, OP.text, Buffer.from(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-fake-${conn.id}` } })));
    },
    closed,
    waitForClose(count = 1, timeoutMs = 5000) {
      return waitUntil(() => closed[count - 1], `connection close #${count} not seen (${closed.length} so far)`, timeoutMs);
    },
    async close() {
      const open = [...connections.values()];
      for (const conn of open) sendClose(conn, 1001, 'going away');
      await Promise.race([
        Promise.all(open.map((c) => new Promise<void>((resolve) => (c.ended ? resolve() : c.socket.once('close', () => resolve()))))),
        new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          t.unref();
        }),
      ]);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      waiters.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
