/**
 * The one secret redactor. The logger runs every line through it, the audit log every stored request, and the Omni
 * client every message Omni sends back: each configured secret value is replaced, and so is anything shaped like a
 * Slack token, an Omni key or (unless told not to) a bearer header.
 */

export interface RedactorOptions {
  /**
   * Also redact the word after "Bearer" (default true). The Omni client turns it off: Omni's own messages say
   * "Invalid bearer token", which the reason table must still read, and its exact key is redacted anyway.
   */
  bearer?: boolean;
}

const TOKEN_PATTERNS: readonly RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack bot/user/app tokens
  /xapp-[A-Za-z0-9-]+/g,
  /omni_(?:osk|pat)_[A-Za-z0-9]+/g, // Omni organization keys and personal tokens
];
const BEARER_PATTERN = /(Bearer\s+)[^\s"',]+/gi;

export function createRedactor(secrets: readonly string[], options: RedactorOptions = {}): (text: string) => string {
  // Longest first, so a secret that contains another is replaced whole. Shorter values would eat ordinary words.
  const exact = [...new Set(secrets.filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);
  const patterns = options.bearer === false ? TOKEN_PATTERNS : [...TOKEN_PATTERNS, BEARER_PATTERN];
  return (text: string) => {
    let out = text;
    for (const s of exact) out = out.split(s).join('[redacted]');
    for (const re of patterns) out = out.replace(re, (_m, prefix?: string) => (typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]'));
    return out;
  };
}

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
