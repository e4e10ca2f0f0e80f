/**
 * Checks that depend on what this Omni instance offers (read from its own spec, src/omni/instance-api.ts), made
 * before anything is sent, so the user sees them under the field rather than as Omni's 400.
 */
import type { FormErrors, RoutineForm } from './types.js';

/** An error under Delivery when the form asks for Slack delivery and the instance delivers by email only. */
export function checkDeliveryOffered(form: Pick<RoutineForm, 'delivery'>, destinations: readonly string[]): FormErrors | null {
  const wantsSlack = form.delivery === 'channel' || form.delivery === 'dm';
  if (!wantsSlack || destinations.includes('slack')) return null;
  return { delivery: 'This Omni instance delivers routines by email only. Choose “Email people”.' };
}
