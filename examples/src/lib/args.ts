/**
 * Command-line arguments for the examples: the guide's endpoints and counts are the
 * defaults; options let a test or a second machine re-point or shorten a run.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Config<O extends Options> = { args: string[]; options: O; allowPositionals: true; strict: true };
/** What `parse` returns: typed `values` for the given options, and `positionals`. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/**
 * Parses `argv` against `options`; `--help` prints `usage` and exits 0, a bad argument
 * prints what is wrong and `usage` to stderr and exits 2 (as a C example's usage check).
 */
export function parse<const O extends Options>(usage: string, options: O, maxPositionals = 0, argv = process.argv.slice(2)): Parsed<O> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > maxPositionals) throw new Error(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
    return parsed;
  } catch (error) {
    fail(usage, (error as Error).message);
  }
}

/** Prints `message` and the usage to stderr and exits 2. */
export function fail(usage: string, message: string): never {
  console.error(`error: ${message}\n${usage}`);
  process.exit(2);
}

/** A non-negative integer option, or the usage error. */
export function count(usage: string, name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) fail(usage, `--${name} must be a whole number >= 0, got "${text}"`);
  return value;
}
