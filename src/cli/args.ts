/**
 * The sub-commands' argument reading: node:util's parseArgs, with this CLI's own messages for bad usage. parseArgs
 * runs non-strict and its tokens are checked here, because strict mode's errors name no fix and take an option as
 * the value of the one before it (`--tz --json`).
 * A value may start with one dash (`--min-interval -5` is then refused for its number, not as a missing value).
 */
import { parseArgs } from 'node:util';

/** Bad usage: the message is shown above the command's usage text and the command exits 2. */
export class UsageError extends Error {}

type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string }>;

type Values<O extends OptionSpecs> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

/** Options (`--name value`, `--name=value`) and positional words; `--` ends the options. Throws UsageError. */
export function readArgs<O extends OptionSpecs>(args: string[], options: O): { values: Values<O>; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (spec === undefined) throw new UsageError(`Unknown option "${token.rawName}".`);
    if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value.`);
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))) {
      throw new UsageError(`${token.rawName} needs a value.`);
    }
  }
  return { values: values as Values<O>, positionals };
}
