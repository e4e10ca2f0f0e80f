/**
 * Structured logs: one JSON object a line on stderr (or a sink the caller passes, which tests use to capture every
 * line). Every line goes through the redactor (redact.ts), which replaces each configured secret value and anything
 * shaped like a Slack token, an Omni key or a bearer header, so a secret cannot reach a log even through a library's
 * message.
 */
import type { LogLevelName } from './config.js';
import { createRedactor } from './redact.js';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = 'code' in err ? err.code : undefined;
    return { name: err.name, message: err.message, ...(code !== undefined ? { code } : {}) };
  }
  return { message: String(err) };
}

export interface LoggerOptions {
  level?: LogLevelName;
  secrets?: readonly string[];
  /** Where lines go; defaults to process.stderr. */
  sink?: (line: string) => void;
  fields?: Record<string, unknown>;
  clock?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = ORDER[options.level ?? 'info'];
  const redact = createRedactor(options.secrets ?? []);
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  const make = (base: Record<string, unknown>): Logger => {
    const write = (lvl: LogLevelName, msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[lvl] < level) return;
      const record: Record<string, unknown> = { time: clock().toISOString(), level: lvl, msg, ...base };
      for (const [k, v] of Object.entries(fields ?? {})) record[k] = v instanceof Error ? errorFields(v) : v;
      let line: string;
      try {
        line = JSON.stringify(record);
      } catch {
        line = JSON.stringify({ time: record.time, level: lvl, msg, note: 'fields not serialisable' });
      }
      sink(redact(line));
    };
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything (unit tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
