/**
 * Builds a real Omni client against a fresh fake Omni, on a manual clock: retry backoff and budget waits advance
 * the clock instead of waiting, and every requested delay is recorded per source.
 */
import type { Logger } from '../../../src/log.js';
import { createOmniClient, type OmniClientOptions } from '../../../src/omni/client.js';
import { createRateBudget, type RateBudget } from '../../../src/omni/rate-budget.js';
import type { OmniClient } from '../../../src/omni/types.js';
import { createManualClock, type ManualClock } from '../../fakes/fake-omni-clock.js';
import { startFakeOmni, type FakeOmni, type FakeOmniOptions } from '../../fakes/fake-omni.js';

/** A logger that keeps every line as is (no redaction), so tests can prove nothing secret was ever logged. */
export function createCapturingLogger(lines: string[] = []): Logger & { lines: string[] } {
  const make = (base: Record<string, unknown>): Logger => {
    const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
      lines.push(JSON.stringify({ level, msg, ...base, ...fields }));
    };
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (f) => make({ ...base, ...f }) };
  };
  return Object.assign(make({}), { lines });
}

export interface ClientSetup {
  fake: FakeOmni;
  client: OmniClient;
  budget: RateBudget;
  time: ManualClock;
  /** Delays the client's retry logic asked for. */
  retrySleeps: number[];
  /** Delays the rate budget asked for. */
  budgetSleeps: number[];
  logLines: string[];
  /** A membership seeded for convenience, and a shared model with a topic. */
  alice: string;
  modelId: string;
  close(): Promise<void>;
}

export interface SetupOptions {
  fake?: FakeOmniOptions;
  perMinute?: number;
  burst?: number;
  client?: Partial<OmniClientOptions>;
}

export async function setupClient(options: SetupOptions = {}): Promise<ClientSetup> {
  const time = createManualClock();
  const fake = await startFakeOmni({ clock: time.clock, ...options.fake });
  const retrySleeps: number[] = [];
  const budgetSleeps: number[] = [];
  const logger = createCapturingLogger();
  const budget = createRateBudget({
    perMinute: options.perMinute ?? 6000,
    clock: time.clock,
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
    sleep: async (ms) => {
      budgetSleeps.push(ms);
      time.advance(ms);
    },
  });
  const client = createOmniClient({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    budget,
    logger,
    clock: time.clock,
    timeoutMs: 2000,
    retry: { limit: 3, baseDelayMs: 1000, maxDelayMs: 30_000 },
    random: () => 0.5,
    sleep: async (ms) => {
      retrySleeps.push(ms);
      time.advance(ms);
    },
    ...options.client,
  });
  const alice = fake.addMember({ email: 'alice@acme.com', displayName: 'Alice' });
  const modelId = fake.addModel('Sales');
  fake.addTopic(modelId, 'order_items');
  return { fake, client, budget, time, retrySleeps, budgetSleeps, logLines: logger.lines, alice, modelId, close: async () => {
      await fake.close();
      if (fake.internalErrors.length > 0) throw new Error(`fake Omni failed internally: ${String(fake.internalErrors[0])}`);
    },
  };
}

export function emailBody(modelId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Weekday sales brief',
    modelId,
    prompt: "Summarize yesterday's closed-won deals by rep",
    schedule: '0 9 ? * MON-FRI *',
    timezone: 'America/New_York',
    destination: { type: 'email' as const, recipientEmails: ['alice@acme.com'] },
    ...overrides,
  };
}
