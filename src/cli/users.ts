import type { CliIo } from '../cli.js';

// Placeholder until the users command lands (see the open issues); exits 2 so nothing mistakes it for success.
export async function runUsersCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr.write('routine-bot users is not available in this build yet.\n');
  return 2;
}
