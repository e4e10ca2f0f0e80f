/**
 * The environment contract (the README's Environment table), validated in one place. `loadConfig` either returns
 * a frozen Config or throws one ConfigError that names every missing or invalid variable and how to fix it. No
 * message ever contains a variable's value, so a secret pasted into the wrong variable cannot leak through an error.
 */
import { IANAZone } from 'luxon';
import * as z from 'zod';
import { RoutineBotError } from './errors.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const httpsUrl = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `is missing: set it to ${what}` })
      .trim()
      .refine((s) => URL.canParse(s), { error: `is not a URL: set it to ${what}` })
      .refine((s) => !URL.canParse(s) || new URL(s).protocol === 'https:' || isLoopback(new URL(s)), {
        error: 'must use https:// (plain http is only accepted for localhost)',
      })
      .transform((s) => s.replace(/\/+$/, '')),
  );

const intIn = (min: number, max: number, dflt: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int({ error: `must be a whole number from ${min} to ${max}` })
      .min(min, { error: `must be a whole number from ${min} to ${max}` })
      .max(max, { error: `must be a whole number from ${min} to ${max}` })
      .default(dflt),
  );

const EnvSchema = z
  .object({
    SLACK_BOT_TOKEN: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'is missing: copy the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page' })
        .trim()
        .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb- ("OAuth & Permissions" page)' }),
    ),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .startsWith('xapp-', { error: 'must be an app-level token starting with xapp- ("Basic Information" → App-Level Tokens, scope connections:write)' })
        .optional(),
    ),
    SLACK_API_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .refine((s) => URL.canParse(s), { error: 'is not a URL (leave it unset to use Slack itself)' })
        .optional(),
    ),
    OMNI_BASE_URL: httpsUrl('your Omni address, e.g. https://acme.omniapp.co (the bot appends /api)').refine(
      (s) => !/\/api$/.test(s),
      { error: 'must not end in /api: give the address you log in with, e.g. https://acme.omniapp.co' },
    ),
    OMNI_API_KEY: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'is missing: create an Organization API key in Omni (Settings → API access → Organization keys)' })
        .trim()
        .min(10, { error: 'looks too short to be an Omni organization API key' }),
    ),
    OMNI_RATE_LIMIT_PER_MINUTE: intIn(1, 10000, 60),
    OMNI_REPLICAS: intIn(1, 100, 1),
    OMNI_DEFAULT_MODEL: z.preprocess(
      blankToUndefined,
      z.string().trim().max(255, { error: 'must be a shared model id or name (at most 255 characters)' }).optional(),
    ),
    PORT: intIn(0, 65535, 3000),
    DATABASE_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .default('sqlite:./data/routine-bot.db')
        .refine((s) => (s.startsWith('sqlite:') && s.length > 'sqlite:'.length) || /^postgres(ql)?:\/\/./i.test(s), {
          error: 'must be sqlite:<path> (e.g. sqlite:./data/routine-bot.db) or postgres://user:password@host:5432/database',
        }),
    ),
    DEFAULT_TIMEZONE: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .default('UTC')
        .refine((s) => IANAZone.isValidZone(s), { error: 'must be an IANA time zone such as UTC or America/New_York' }),
    ),
    ROUTINE_MIN_INTERVAL_MINUTES: intIn(1, 1440, 60),
    ROUTINE_WATCH_INTERVAL_MINUTES: intIn(0, 1440, 30),
    ALLOWED_EMAIL_DOMAINS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .default('')
        .transform((s) =>
          s
            .split(',')
            .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
            .filter((d) => d.length > 0),
        )
        .refine((list) => list.every((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)), {
          error: 'must be a comma-separated list of domains such as acme.com,acme.co.uk',
        }),
    ),
    LOG_LEVEL: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
      z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    ),
  });

/** Every variable the bot reads (and so exactly what .env.example lists). */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** The environment read into the shape the app uses, frozen; `Config` is inferred from it. */
const ConfigSchema = EnvSchema.transform((e) =>
  Object.freeze({
    slack: Object.freeze({
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      mode: e.SLACK_APP_TOKEN ? ('socket' as const) : ('http' as const),
    }),
    /**
     * rateLimitPerMinute: for the whole key (shared by every replica on Postgres). replicas: the most replicas that
     * run at once; while the shared budget's database is unreachable each keeps to 1/replicas of it.
     */
    omni: Object.freeze({
      baseUrl: e.OMNI_BASE_URL,
      apiKey: e.OMNI_API_KEY,
      rateLimitPerMinute: e.OMNI_RATE_LIMIT_PER_MINUTE,
      replicas: e.OMNI_REPLICAS,
      /** The model the routine form preselects when the user has no last-used one and several are shared (id or name). */
      defaultModel: e.OMNI_DEFAULT_MODEL,
    }),
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    minIntervalMinutes: e.ROUTINE_MIN_INTERVAL_MINUTES,
    /** How often owners' routines are checked for Omni disabling them or a failed run; 0 = never. */
    watchIntervalMinutes: e.ROUTINE_WATCH_INTERVAL_MINUTES,
    allowedEmailDomains: Object.freeze([...e.ALLOWED_EMAIL_DOMAINS]),
    logLevel: e.LOG_LEVEL,
  }),
);

export type Config = z.output<typeof ConfigSchema>;

/** Names of the variables whose values are secrets; logs redact them wherever they appear. */
export const SECRET_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'OMNI_API_KEY'] as const;

export class ConfigError extends RoutineBotError {
  readonly code = 'routine_bot_config_error';
  constructor(readonly problems: ReadonlyArray<{ variable: string; problem: string }>) {
    super(
      `The bot cannot start: ${problems.length} environment variable${problems.length === 1 ? ' needs' : 's need'} attention.\n` +
        problems.map((p) => `  - ${p.variable} ${p.problem}`).join('\n') +
        '\nSet them in the environment or in a .env file (see .env.example).',
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ConfigSchema.safeParse(env);
  // Checked outside the schema so it is reported together with every other problem, not only once they are fixed.
  const transportProblems =
    !blankToUndefined(env.SLACK_APP_TOKEN) && !blankToUndefined(env.SLACK_SIGNING_SECRET)
      ? [
          {
            variable: 'SLACK_SIGNING_SECRET',
            problem:
              'is missing: HTTP mode needs the Signing Secret ("Basic Information" page); for Socket Mode set SLACK_APP_TOKEN instead',
          },
        ]
      : [];
  if (!parsed.success || transportProblems.length > 0) {
    const issues = parsed.success ? [] : parsed.error.issues;
    const problems = issues.map((issue) => ({
      variable: String(issue.path[0] ?? 'environment'),
      // zod's default texts can quote the received value; ours never do, so fall back to a generic phrase.
      problem: issue.code === 'custom' || issue.message.startsWith('is ') || issue.message.startsWith('must') || issue.message.startsWith('looks')
        ? issue.message
        : 'is invalid',
    }));
    throw new ConfigError([...problems, ...transportProblems]);
  }
  return parsed.data;
}

/** The secret values of a config, for log redaction. */
export function secretValues(config: Config): string[] {
  return [config.slack.botToken, config.slack.signingSecret, config.slack.appToken, config.omni.apiKey, databasePassword(config.databaseUrl)].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

/** The password in a postgres:// DATABASE_URL (as typed and decoded), so logs redact it like the tokens. */
function databasePassword(databaseUrl: string): string | undefined {
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) return undefined;
  try {
    const password = new URL(databaseUrl).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
