/**
 * Which requests this deployment serves: the installation its bot token belongs to, read once from `auth.test`.
 *
 * - A workspace install (the usual case, also a single workspace inside an Enterprise Grid organization) serves
 *   requests whose workspace (`team_id`) is the token's workspace.
 * - An organization-wide install on Enterprise Grid (`is_enterprise_install: true` in `auth.test`) serves requests
 *   from every workspace of that organization: they carry the organization's `enterprise_id` and each their own
 *   `team_id`, and for some payloads no team at all. User ids there may start with `W`.
 *
 * Anything else (another workspace, another organization, a request without the organization's id) is refused
 * before a listener runs. See docs/slack.md ("Installations").
 */

export type Installation =
  | { kind: 'workspace'; teamId: string; enterpriseId?: string }
  | { kind: 'organization'; enterpriseId: string };

/** The parts of `auth.test`'s answer this relies on (documented fields of the method). */
export interface AuthTestAnswer {
  team_id?: unknown;
  enterprise_id?: unknown;
  is_enterprise_install?: unknown;
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function installationFromAuthTest(auth: AuthTestAnswer): Installation {
  const enterpriseId = nonEmpty(auth.enterprise_id);
  if (auth.is_enterprise_install === true) {
    // An org-wide token without an organization id would accept nothing safely: refuse to start instead.
    if (!enterpriseId) throw new Error('auth.test says the app is installed org-wide but names no enterprise_id');
    return { kind: 'organization', enterpriseId };
  }
  const teamId = nonEmpty(auth.team_id);
  if (!teamId) throw new Error('auth.test names no team_id for the bot token');
  return { kind: 'workspace', teamId, ...(enterpriseId ? { enterpriseId } : {}) };
}

/** Where a request says it comes from (Bolt's authorize source). */
export interface RequestSource {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}

export function servesRequestFrom(installation: Installation, source: RequestSource): boolean {
  if (installation.kind === 'organization') return source.enterpriseId === installation.enterpriseId;
  return source.teamId === installation.teamId;
}

/** The id logged at start and shown by `doctor`: the workspace, or the organization. */
export function installationId(installation: Installation): string {
  return installation.kind === 'organization' ? installation.enterpriseId : installation.teamId;
}
