import { createRedactor } from '../log.js';

// Keys whose values are secrets whatever they hold; matched on the key name at any depth.
const SECRET_KEY = /(token|secret|password|passwd|api[-_]?key|authorization|cookie)/i;
const redactTokens = createRedactor([]);

/**
 * Serialises an audit request as JSON with secrets removed: values under secret-sounding keys are replaced, and
 * token-shaped substrings of any string (Slack tokens, Omni keys, bearer headers) are redacted as in the logs.
 */
export function serializeAuditRequest(request: unknown): string {
  const json = JSON.stringify(request ?? null, (key, value: unknown) => {
    if (key !== '' && SECRET_KEY.test(key) && value !== null && value !== undefined) return '[redacted]';
    return typeof value === 'string' ? redactTokens(value) : value;
  });
  return json ?? 'null';
}
