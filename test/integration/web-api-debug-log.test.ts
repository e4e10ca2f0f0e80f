/**
 * The app's Bolt logger reports the configured LOG_LEVEL to the (patched) WebClient, whatever setLevel calls Bolt and
 * WebClient make: at debug the Web API requests are logged (redacted), at info their debug copies are not even built.
 */
import { describe, expect, it } from '@jest/globals';
import { startHarness } from '../helpers/app-harness.js';
import { openModal } from '../helpers/routine-ui.js';
import { until } from '../helpers/until.js';

async function logsOfOneModal(level: 'debug' | 'info'): Promise<{ logs: string[]; token: string }> {
  const h = await startHarness({ env: { LOG_LEVEL: level } });
  try {
    await openModal(h, { text: 'new', settled: true });
    // At debug, views.open's answer is logged once the listener has it (the fake records the call before answering).
    const answered = () => h.logs.some((l) => l.includes("apiCall('views.open') end"));
    if (level === 'debug') await until(answered, "views.open's answer in the debug log", 2000);
    return { logs: [...h.logs], token: h.config.slack.botToken };
  } finally {
    await h.close();
  }
}

describe('Web API debug lines follow LOG_LEVEL', () => {
  it('at debug, views.open is logged with its body, token redacted', async () => {
    const { logs, token } = await logsOfOneModal('debug');
    const body = logs.find((l) => l.includes('http request body:') && l.includes('trigger_id'));
    expect(body).toBeDefined();
    expect(logs.some((l) => l.includes('http request result:'))).toBe(true);
    expect(logs.filter((l) => l.includes(token))).toEqual([]);
  });

  it('at info, no Web API request or response is logged', async () => {
    const { logs } = await logsOfOneModal('info');
    expect(logs.filter((l) => l.includes('http request body:') || l.includes('http request result:'))).toEqual([]);
  });
});
