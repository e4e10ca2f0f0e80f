/**
 * A view already turned into the JSON text the Web API takes. web-api's `views.open` types its `view` argument as an
 * object and sends it JSON-encoded; given a string, it sends that string as it is (the same bytes it would have
 * made). So a view that is built often with the same content (the opening form) can be built and serialised
 * once and sent many times (see open-modal.ts). The brand keeps any other string out of the `view` argument.
 */
import type { View } from '@slack/types';

declare const serialised: unique symbol;
export type SerialisedView = string & { readonly [serialised]: true };

export const serialiseView = (view: View): SerialisedView => JSON.stringify(view) as SerialisedView;

/** The argument web-api's types ask for; the text goes out untouched (a field that is not text is JSON-encoded). */
export const asViewArgument = (view: SerialisedView): View => view as unknown as View;
