import { describe, expect, it } from '@jest/globals';
import { createRedactor, serializeAuditRequest } from '../../src/redact.js';

describe('createRedactor', () => {
  it('replaces configured secrets (longest first) and token-shaped strings', () => {
    const redact = createRedactor(['s3cret-value', 's3cret-value-longer', 'short']);
    expect(redact('a s3cret-value-longer, b s3cret-value, c short')).toBe('a [redacted], b [redacted], c short');
    expect(redact('xoxb-1-2-abc xapp-1-A-b omni_osk_AbC123 omni_pat_x9')).toBe('[redacted] [redacted] [redacted] [redacted]');
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
  });

  it('can leave bearer wording alone, still replacing the key itself and key-shaped text', () => {
    const redact = createRedactor(['omni-key-123456'], { bearer: false });
    expect(redact('Invalid bearer token')).toBe('Invalid bearer token');
    expect(redact('Bearer omni-key-123456 refused; omni_osk_zz9 too')).toBe('Bearer [redacted] refused; [redacted] too');
  });
});

describe('serializeAuditRequest', () => {
  it('redacts values under secret-sounding keys at any depth and token-shaped text anywhere', () => {
    const json = serializeAuditRequest({ prompt: 'use xoxb-1-2-x', nested: [{ apiKey: 'k', name: 'n' }] });
    expect(JSON.parse(json)).toEqual({ prompt: 'use [redacted]', nested: [{ apiKey: '[redacted]', name: 'n' }] });
    expect(serializeAuditRequest(undefined)).toBe('null');
  });
});
