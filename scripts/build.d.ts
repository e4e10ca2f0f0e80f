// Types for scripts/build.js (plain JavaScript, so that `npm ci` can build without a TypeScript loader).
/** Why dist/ must be (re)built, or undefined when it is current. */
export function staleReason(): string | undefined;
/** A clean build of src/ into dist/. Returns tsc's exit status (0 on success). */
export function build(): number;
/** Builds when dist/ is not current. Returns 0 when dist/ can be run afterwards. */
export function ensureBuild(): number;
