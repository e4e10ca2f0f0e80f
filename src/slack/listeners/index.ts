import type { App } from '@slack/bolt';
import { registerActions } from './actions.js';
import { registerCommands } from './commands.js';
import { registerEdit } from './edit.js';
import type { ListenerDeps } from './deps.js';
import { registerHome } from './home.js';
import { registerOptions } from './options.js';
import { registerSentences } from './sentences.js';
import { registerShortcuts } from './shortcuts.js';
import { registerViews } from './views.js';

export type { ListenerDeps };

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerShortcuts(app, deps);
  registerViews(app, deps);
  registerActions(app, deps);
  registerEdit(app, deps);
  registerOptions(app, deps);
  registerHome(app, deps);
  registerSentences(app, deps);
}
