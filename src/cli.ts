/** The `routine-bot` command: one entry, one sub-command a module under src/cli/. */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: routine-bot <command> [options]

Commands:
  schedule "<phrase>" [--tz ZONE] [--from ISO] [--count N] [--min-interval MIN] [--json]
                    Turn a schedule phrase into Omni's cron and show the next runs.
                    With no phrase, reads one phrase a line from stdin.
  doctor            Check the configuration, Slack and Omni, and say what to fix.
  users link <slack-user-id> <omni-membership-id>
  users unlink <slack-user-id>
  users list        Admin overrides of the Slack user → Omni member mapping.
`;

/** Exit codes: 0 all good, 1 something was refused or failed, 2 bad usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'schedule': {
      const { runScheduleCommand } = await import('./cli/schedule.js');
      return runScheduleCommand(rest, io);
    }
    case 'doctor': {
      const { runDoctorCommand } = await import('./cli/doctor.js');
      return runDoctorCommand(rest, io);
    }
    case 'users': {
      const { runUsersCommand } = await import('./cli/users.js');
      return runUsersCommand(rest, io);
    }
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return 0;
    default:
      io.stderr.write(command ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
      return 2;
  }
}
