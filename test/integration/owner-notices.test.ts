/**
 * Issue 9, item 9: owner notices. The real app against the fakes: a routine Omni disabled, a failed last run, no
 * repeat (also after a restart on the same database), only people who used the bot, and the budget share.
 */
import { describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { type Harness, useHarnessPerTest } from '../helpers/app-harness.js';
import { dmText, listAsText } from '../helpers/routine-ui.js';

const startApp = useHarnessPerTest();

/** A harness whose watch waits are counted instead of slept. */
async function start(env: Record<string, string> = {}) {
  const slept: number[] = [];
  const harness = await startApp({ env, app: { watch: { sleep: async (ms) => void slept.push(ms) } } });
  return { harness, slept };
}

const noticesIn = (harness: Harness) => harness.slack.messages('D0001').filter((m) => JSON.stringify(m).includes('block_id":"notice'));

describe('owner notices', () => {
  it('DMs the owner once when Omni disables a routine (with its reason) and when a run fails; not again after a restart', async () => {
    const { harness } = await start();
    const disabled = harness.omni.addRoutine(harness.members.alice, { name: 'Churn brief', modelId: harness.modelId });
    const failing = harness.omni.addRoutine(harness.members.alice, { name: 'Pipeline brief', modelId: harness.modelId });
    harness.omni.addRoutine(harness.members.alice, { name: 'Healthy', modelId: harness.modelId, lastRun: { completedAt: '2026-12-01T09:00:00.000Z', label: 'Delivered', state: 'COMPLETE' } });
    await listAsText(harness); // alice has used the bot
    harness.omni.updateRoutineState(disabled, { systemDisabled: true, systemDisabledReason: 'The model Sales is no longer shared' });
    harness.omni.updateRoutineState(failing, { lastRun: { completedAt: '2026-12-01T09:02:00.000Z', label: 'Failed', state: 'FAILED' } });
    harness.slack.reset();

    const first = await harness.app.watchOnce();
    expect(first.notices).toBe(2);
    const said = dmText(harness);
    expect(said).toMatch(/Omni disabled your routine “Churn brief”.*The model Sales is no longer shared/);
    expect(said).toMatch(/The last run of your routine “Pipeline brief” failed/);
    expect(said).not.toMatch(/Healthy”/);

    expect((await harness.app.watchOnce()).notices).toBe(0);
    expect(noticesIn(harness)).toHaveLength(2);

    // A new process on the same database (same Omni, same Slack), as after a restart, does not tell again: what was
    // told is in the store, not in memory.
    const logger = createLogger({ level: 'error', sink: () => {} });
    const again = await createApp(harness.config, { logger, watch: { sleep: async () => {} } });
    await again.start(0);
    try {
      expect((await again.watchOnce()).notices).toBe(0);
      expect(noticesIn(harness)).toHaveLength(2);
      // A new failed run is a new notice.
      harness.omni.updateRoutineState(failing, { lastRun: { completedAt: '2026-12-02T09:02:00.000Z', label: 'Failed', state: 'FAILED' } });
      expect((await again.watchOnce()).notices).toBe(1);
      expect((await harness.app.watchOnce()).notices).toBe(0);
    } finally {
      await again.stop(5_000);
    }
  });

  it('checks only people who used the bot', async () => {
    const { harness } = await start();
    const bobs = harness.omni.addRoutine(harness.members.bob, { name: 'Bob routine', modelId: harness.modelId });
    harness.omni.updateRoutineState(bobs, { systemDisabled: true, systemDisabledReason: 'gone' });
    harness.omni.clearRequests();
    expect(await harness.app.watchOnce()).toMatchObject({ owners: 0, notices: 0 });
    expect(harness.omni.requests.filter((r) => r.path === '/v1/ai/routines')).toHaveLength(0);
  });

  it('uses at most a tenth of the Omni request budget', async () => {
    const { harness, slept } = await start({ OMNI_RATE_LIMIT_PER_MINUTE: '300' });
    // Six people used the bot.
    for (let i = 0; i < 6; i += 1) {
      const email = `user${i}@example.com`;
      harness.omni.addMember({ email });
      harness.slack.addUser({ id: `U1${String(i).padStart(3, '0')}`, name: `user${i}`, email, tz: 'UTC' });
      await listAsText(harness, `U1${String(i).padStart(3, '0')}`);
    }
    harness.omni.clearRequests();
    const pass = await harness.app.watchOnce();
    expect(pass.owners).toBe(6);
    const lists = harness.omni.requests.filter((r) => r.path === '/v1/ai/routines').length;
    expect(lists).toBe(6);
    // 300 a minute → the watch may use 30 a minute: 6 requests must be spread over at least (6 - 1) × 2 s.
    const waitedMs = slept.reduce((a, b) => a + b, 0);
    expect(waitedMs).toBeGreaterThanOrEqual(((lists - 1) * 60_000) / 30);
    expect(slept.every((ms) => ms >= 2_000)).toBe(true);
  });
});
