import type { App } from '@slack/bolt';
import { registerActions } from './actions.js';
import { registerCommands } from './commands.js';
import { registerEdit } from './edit.js';
import type { ListenerDeps } from './deps.js';
import { registerHome } from './home.js';
import { registerOptions } from './options.js';
import { createRoutes } from './routes.js';
import { registerSentences } from './sentences.js';
import { registerShortcuts } from './shortcuts.js';
import { registerViews } from './views.js';

export type { ListenerDeps };

export function registerListeners(app: App, deps: ListenerDeps): void {
  const routes = createRoutes(deps);
  registerCommands(routes);
  registerShortcuts(routes);
  registerViews(routes);
  registerActions(routes, deps);
  registerEdit(routes);
  registerOptions(routes);
  registerHome(routes);
  registerSentences(routes);
  routes.install(app);
}
