/**
 * The one poller of the tests: for what the app does after it has answered (a reply to a response_url, a create
 * reaching the fake Omni), which no promise of the test's own resolves with. The timeout only bounds a failing
 * test; nothing is asserted about how long the wait took.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string) = 'the condition',
  timeoutMs = 8000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
