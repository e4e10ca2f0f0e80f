import type { CliIo } from '../cli.js';

// Placeholder until the doctor command lands (see the open issues); exits 2 so nothing mistakes it for success.
export async function runDoctorCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr.write('routine-bot doctor is not available in this build yet.\n');
  return 2;
}
