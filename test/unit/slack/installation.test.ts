import { describe, expect, it } from '@jest/globals';
import { installationFromAuthTest, installationId, servesRequestFrom } from '../../../src/slack/installation.js';

describe('installationFromAuthTest', () => {
  it('reads a workspace install, also one inside an organization', () => {
    expect(installationFromAuthTest({ team_id: 'T1', is_enterprise_install: false })).toEqual({ kind: 'workspace', teamId: 'T1' });
    expect(installationFromAuthTest({ team_id: 'T1', enterprise_id: 'E1', is_enterprise_install: false })).toEqual({ kind: 'workspace', teamId: 'T1', enterpriseId: 'E1' });
  });

  it('reads an organization-wide install by its enterprise id, whatever its team_id says', () => {
    const org = installationFromAuthTest({ team_id: 'E1', enterprise_id: 'E1', is_enterprise_install: true });
    expect(org).toEqual({ kind: 'organization', enterpriseId: 'E1' });
    expect(installationId(org)).toBe('E1');
  });

  it('refuses to start on an answer it cannot serve safely', () => {
    expect(() => installationFromAuthTest({ team_id: 'E1', is_enterprise_install: true })).toThrow(/enterprise_id/);
    expect(() => installationFromAuthTest({ is_enterprise_install: false })).toThrow(/team_id/);
    expect(() => installationFromAuthTest({ team_id: '', is_enterprise_install: 'true' })).toThrow(/team_id/);
  });
});

describe('servesRequestFrom', () => {
  const workspace = installationFromAuthTest({ team_id: 'T1', enterprise_id: 'E1' });
  const org = installationFromAuthTest({ enterprise_id: 'E1', is_enterprise_install: true });

  it('serves only its own workspace for a workspace install', () => {
    expect(servesRequestFrom(workspace, { teamId: 'T1', enterpriseId: 'E1' })).toBe(true);
    expect(servesRequestFrom(workspace, { teamId: 'T2', enterpriseId: 'E1' })).toBe(false);
    expect(servesRequestFrom(workspace, { enterpriseId: 'E1' })).toBe(false);
  });

  it('serves every workspace of its organization for an org-wide install, and nothing else', () => {
    expect(servesRequestFrom(org, { teamId: 'T1', enterpriseId: 'E1' })).toBe(true);
    expect(servesRequestFrom(org, { teamId: 'T9', enterpriseId: 'E1' })).toBe(true);
    expect(servesRequestFrom(org, { teamId: undefined, enterpriseId: 'E1' })).toBe(true);
    expect(servesRequestFrom(org, { teamId: 'T1', enterpriseId: 'E2' })).toBe(false);
    expect(servesRequestFrom(org, { teamId: 'T1' })).toBe(false);
  });
});
