import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/log.js';

describe('createLogger', () => {
  it('redacts configured secrets and token-shaped strings from every line', () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ['my-signing-secret'], sink: (l) => lines.push(l) });
    log.error('boom', {
      err: new Error('failed with header Authorization: Bearer omni_osk_abcdef123456 and my-signing-secret'),
      token: 'xoxb-123-456-abc',
    });
    const text = lines.join('\n');
    expect(text).not.toContain('omni_osk_abcdef123456');
    expect(text).not.toContain('my-signing-secret');
    expect(text).not.toContain('xoxb-123-456-abc');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'error', msg: 'boom' });
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', sink: (l) => lines.push(l) });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
  });
});
