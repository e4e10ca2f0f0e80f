import { describe, expect, it } from '@jest/globals';
import { isFailedRun, noticesFor } from '../../../src/routines/watch.js';
import type { Routine } from '../../../src/omni/types.js';

const record = (fields: Partial<Routine>): Routine => ({
  id: 'r1',
  name: 'n',
  prompt: 'p',
  schedule: '0 9 ? * MON *',
  timezone: 'UTC',
  modelId: 'm',
  branchId: null,
  topicName: null,
  description: null,
  destination: { type: 'email', recipientEmails: ['a@x.com'], userGroupIds: [] },
  disabled: false,
  systemDisabled: false,
  systemDisabledReason: null,
  lastRun: null,
  createdAt: '',
  updatedAt: '',
  ...fields,
});

describe('owner notices: what calls for one', () => {
  it('reads words of failure in the last run state or label as a failed run', () => {
    expect(isFailedRun(null)).toBe(false);
    expect(isFailedRun({ completedAt: null, label: 'Delivered', state: 'COMPLETE' })).toBe(false);
    expect(isFailedRun({ completedAt: null, label: 'Failed', state: 'COMPLETE' })).toBe(true);
    expect(isFailedRun({ completedAt: null, label: '', state: 'ERROR' })).toBe(true);
  });

  it('keys a disabled routine by its reason and a failed run by when it completed, so each is told once', () => {
    expect(noticesFor(record({}))).toEqual([]);
    expect(noticesFor(record({ systemDisabled: true, systemDisabledReason: 'gone' }))).toEqual([{ kind: 'disabled', key: 'disabled:r1:gone' }]);
    const failed = record({ lastRun: { completedAt: '2026-12-01T09:00:00Z', label: 'Failed', state: 'FAILED' } });
    expect(noticesFor(failed)).toEqual([{ kind: 'run_failed', key: 'run_failed:r1:2026-12-01T09:00:00Z' }]);
    // A disabled routine is told as disabled, not also as failed.
    expect(noticesFor({ ...failed, systemDisabled: true })).toHaveLength(1);
  });
});
