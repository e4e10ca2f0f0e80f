/** The App Home tab: the user's routines (from Omni, acting as them), their failed drafts, and how to start. */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { buildHomeView } from '../views/index.js';
import type { ListenerDeps } from './deps.js';

export async function publishHome(deps: ListenerDeps, client: WebClient, userId: string, teamId?: string, options: { fresh?: boolean } = {}): Promise<void> {
  const [listed, drafts] = await Promise.all([deps.service.listRoutines(userId, teamId, options), deps.service.listOpenDrafts(userId)]);
  const omniUrl = deps.config.omni.baseUrl;
  const view = listed.ok ? buildHomeView({ routines: listed.routines, drafts, omniUrl }) : buildHomeView({ problem: listed.problem, drafts, omniUrl });
  await client.views.publish({ user_id: userId, view });
}

export function registerHome(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client, body }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id;
    deps.inFlight.run('publish home', () => publishHome(deps, client, event.user, teamId));
  });
}
