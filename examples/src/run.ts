/**
 * The examples' launcher: `pnpm example <name> [args...]` runs examples/build/<name>.js
 * in this process (so signals, stdin and the exit code are the example's own);
 * `pnpm example <group> [--free-ports]` starts a multi-part example, one child process
 * per part, with its output prefixed by the part's name.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import * as net from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { groups, type Part } from "./groups.js";

const buildDir = fileURLToPath(new URL(".", import.meta.url));

function scriptFor(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || name === "run" || name === "groups") return undefined;
  for (const candidate of [`${buildDir}${name}.js`, `${buildDir}${name}/main.js`]) if (existsSync(candidate)) return candidate;
  return undefined;
}

function usage(): string {
  const names = readdirSync(buildDir)
    .filter((file) => file.endsWith(".js") && !["run.js", "groups.js"].includes(file) && !file.endsWith("-worker.js"))
    .map((file) => file.slice(0, -3));
  return [
    "usage: pnpm example <name> [args...]     run one example (--help for its options)",
    "       pnpm example <group> [--free-ports]  start a multi-part example",
    `examples: ${names.join(" ")} readme`,
    "groups:",
    ...Object.entries(groups).map(([name, group]) => `  ${name.padEnd(15)} ${group.describe}`),
  ].join("\n");
}

/** Runs one example as if node had been started with it. */
async function runOne(script: string, args: string[]): Promise<void> {
  process.argv = [process.argv[0]!, script, ...args];
  await import(pathToFileURL(script).href);
}

/** A port the OS says is free now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Prefixes each line of `stream` with `label`; a last partial line is printed at its end. */
function relay(stream: NodeJS.ReadableStream, label: string, out: NodeJS.WriteStream): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => out.write(`${label} ${line}\n`));
}

async function runGroup(name: string, args: string[]): Promise<void> {
  const freePorts = args.includes("--free-ports");
  const unknown = args.filter((arg) => arg !== "--free-ports");
  if (unknown.length > 0) {
    console.error(`error: group ${name} takes only --free-ports, got ${unknown.join(" ")}\n${usage()}`);
    process.exit(2);
  }
  const mapped = new Map<number, number>();
  const guidePorts = new Set<number>();
  groups[name]!.parts((port) => (guidePorts.add(port), port));
  for (const port of guidePorts) mapped.set(port, freePorts ? await freePort() : port);
  const parts: Part[] = groups[name]!.parts((port) => mapped.get(port)!);

  const seen = new Map<string, number>();
  const running = parts.map((part) => {
    const n = (seen.get(part.name) ?? 0) + 1;
    seen.set(part.name, n);
    const label = `[${part.name}${parts.filter((p) => p.name === part.name).length > 1 ? ` ${n}` : ""}]`;
    const child = spawn(process.execPath, [scriptFor(part.name)!, ...part.args], { stdio: ["ignore", "pipe", "pipe"] });
    relay(child.stdout!, label, process.stdout);
    relay(child.stderr!, label, process.stderr);
    const exit = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    return { part, child, exit };
  });
  const stopAll = (children: ChildProcess[]) => children.forEach((child) => child.exitCode === null && child.kill("SIGTERM"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stopAll(running.map((r) => r.child)));
  const codes = await Promise.all(running.filter((r) => r.part.ends).map((r) => r.exit));
  stopAll(running.map((r) => r.child));
  await Promise.all(running.map((r) => r.exit));
  process.exitCode = Math.max(0, ...codes);
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === "--help" || name === "-h") {
  (name === undefined ? console.error : console.log)(usage());
  process.exitCode = name === undefined ? 2 : 0;
} else if (Object.hasOwn(groups, name)) {
  await runGroup(name, args);
} else {
  const script = scriptFor(name);
  if (!script) {
    console.error(`error: no example called "${name}"\n${usage()}`);
    process.exitCode = 2;
  } else {
    await runOne(script, args);
  }
}
