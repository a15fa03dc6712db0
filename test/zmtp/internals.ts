/**
 * Test-only access to threadmq's zmtp internals. The package's "exports" map publishes only
 * ".", and compiled tests live one directory deeper than their sources, so a static relative
 * import cannot serve both tsc and node. Types come from the sources (redirected to the built
 * declarations by the project reference); values are loaded from the build at run time.
 */
import type * as GreetingModule from "../../packages/threadmq/src/zmtp/greeting.js";
import type * as DecoderModule from "../../packages/threadmq/src/zmtp/decoder.js";
import type * as EncoderModule from "../../packages/threadmq/src/zmtp/encoder.js";
import type * as CommandsModule from "../../packages/threadmq/src/zmtp/commands.js";
import type * as SocketTypesModule from "../../packages/threadmq/src/zmtp/socket-types.js";
import type * as MechanismModule from "../../packages/threadmq/src/zmtp/mechanism.js";
import type * as NullModule from "../../packages/threadmq/src/zmtp/mechanisms/null.js";
import type * as EngineModule from "../../packages/threadmq/src/zmtp/engine.js";

// From test/build/zmtp/internals.js up to the workspace root.
const base = new URL("../../../packages/threadmq/build/zmtp/", import.meta.url);

async function load<T>(file: string): Promise<T> {
  return (await import(new URL(file, base).href)) as T;
}

export const greeting = await load<typeof GreetingModule>("greeting.js");
export const decoder = await load<typeof DecoderModule>("decoder.js");
export const encoder = await load<typeof EncoderModule>("encoder.js");
export const commands = await load<typeof CommandsModule>("commands.js");
export const socketTypes = await load<typeof SocketTypesModule>("socket-types.js");
export const mechanism = await load<typeof MechanismModule>("mechanism.js");
export const nullMechanism = await load<typeof NullModule>("mechanisms/null.js");
export const engine = await load<typeof EngineModule>("engine.js");

/** Hex string (whitespace ignored) → Buffer. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex");
}
