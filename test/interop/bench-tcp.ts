/**
 * tcp loopback probe (a script, not a test): threadmq↔threadmq against zeromq.js↔zeromq.js
 * (libzmq 4.3.5), each pair in two processes, side by side, medians of N runs.
 *
 *   node test/build/interop/bench-tcp.js [--runs 3] [--count 200000] [--rt 5000] [--profile DIR]
 *
 * Scenarios: PUSH→PULL throughput with 16 B and 1 KiB messages (the receiver times first to last
 * message), and REQ/REP round trips (the client times each one). threadmq's sender runs two ways:
 * awaiting every send (what most code does, and all zeromq.js allows), and "pipelined" (trySend
 * until the pipe is full, then await one send), which lets the engine batch writes.
 *
 * Internally the script re-runs itself as the two peers: `--role server|client`.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

type Lib = "threadmq" | "zeromq";
type Kind = "push" | "reqrep";
type SendMode = "await" | "pipelined";

interface PeerArgs {
  role: "server" | "client";
  lib: Lib;
  kind: Kind;
  size: number;
  count: number;
  mode: SendMode;
  endpoint: string;
}

function parseArgs(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i]!.startsWith("--")) out[argv[i]!.slice(2)] = argv[i + 1]?.startsWith("--") || argv[i + 1] === undefined ? "true" : argv[++i]!;
  }
  return out;
}

// ---- the peers ------------------------------------------------------------------------------

interface Sock {
  bind(e: string): Promise<void>;
  connect(e: string): void;
  send(m: Buffer | Buffer[] | string): Promise<void>;
  receive(): Promise<Buffer[]>;
  trySend?(m: Buffer): boolean;
  close(): void;
  readonly lastEndpoint: string | undefined | null;
}

async function makeSocket(lib: Lib, type: "PUSH" | "PULL" | "REQ" | "REP"): Promise<{ sock: Sock; done: () => Promise<void> }> {
  if (lib === "threadmq") {
    const { Context } = await import("threadmq");
    const ctx = new Context();
    const sock = ctx.socket(type, { linger: 1000, sendHighWaterMark: 1000, receiveHighWaterMark: 1000 }) as unknown as Sock;
    return { sock, done: async () => {
      sock.close();
      await ctx.term();
    } };
  }
  const zmq = await import("zeromq");
  const ctor = { PUSH: zmq.Push, PULL: zmq.Pull, REQ: zmq.Request, REP: zmq.Reply }[type];
  const sock = new ctor({ linger: 1000 }) as unknown as Sock;
  return { sock, done: async () => sock.close() };
}

async function server(a: PeerArgs): Promise<void> {
  const { sock, done } = await makeSocket(a.lib, a.kind === "push" ? "PULL" : "REP");
  await sock.bind(a.lib === "threadmq" ? "tcp://127.0.0.1:0" : "tcp://127.0.0.1:*");
  console.log(`ENDPOINT ${sock.lastEndpoint}`);
  if (a.kind === "push") {
    await sock.receive();
    const start = process.hrtime.bigint();
    for (let i = 1; i < a.count; i++) await sock.receive();
    const ns = Number(process.hrtime.bigint() - start);
    console.log(`RESULT ${JSON.stringify({ rate: (a.count - 1) / (ns / 1e9), seconds: ns / 1e9 })}`);
  } else {
    for (let i = 0; i < a.count + 100; i++) {
      const msg = await sock.receive();
      await sock.send(msg);
    }
    console.log("RESULT {}");
  }
  await done();
}

async function client(a: PeerArgs): Promise<void> {
  const { sock, done } = await makeSocket(a.lib, a.kind === "push" ? "PUSH" : "REQ");
  sock.connect(a.endpoint);
  const payload = Buffer.alloc(a.size, 7);
  if (a.kind === "push") {
    if (a.mode === "pipelined" && sock.trySend) {
      for (let i = 0; i < a.count; ) {
        while (i < a.count && sock.trySend(payload)) i++;
        if (i < a.count) {
          await sock.send(payload);
          i++;
        }
      }
    } else {
      for (let i = 0; i < a.count; i++) await sock.send(payload);
    }
  } else {
    for (let i = 0; i < 100; i++) {
      await sock.send(payload);
      await sock.receive();
    }
    const samples = new Float64Array(a.count);
    for (let i = 0; i < a.count; i++) {
      const t0 = process.hrtime.bigint();
      await sock.send(payload);
      await sock.receive();
      samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    samples.sort();
    const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
    console.log(`RESULT ${JSON.stringify({ p50: p(0.5), p99: p(0.99), mean })}`);
  }
  await done();
}

// ---- the orchestrator ------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url);

function run(args: string[], extraNodeArgs: string[] = []): { out: Promise<string>; endpoint: Promise<string> } {
  const proc = spawn(process.execPath, [...extraNodeArgs, self, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let text = "";
  let gotEndpoint: (e: string) => void;
  const endpoint = new Promise<string>((r) => (gotEndpoint = r));
  proc.stdout.on("data", (d: Buffer) => {
    text += d.toString();
    const m = /ENDPOINT (\S+)/.exec(text);
    if (m) gotEndpoint(m[1]!);
  });
  const out = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`peer timed out: ${args.join(" ")}`));
    }, 120_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new Error(`peer exited ${code}: ${args.join(" ")}\n${text}`));
    });
  });
  return { out, endpoint };
}

async function pair(lib: Lib, kind: Kind, size: number, count: number, mode: SendMode, profileDir?: string): Promise<Record<string, number>> {
  const common = ["--lib", lib, "--kind", kind, "--size", String(size), "--count", String(count), "--mode", mode];
  const prof = (who: string) => (profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", `${lib}-${kind}-${size}-${mode}-${who}.cpuprofile`] : []);
  const srv = run(["--role", "server", ...common], prof("server"));
  const endpoint = await srv.endpoint;
  const cli = run(["--role", "client", ...common, "--endpoint", endpoint], prof("client"));
  const [so, co] = await Promise.all([srv.out, cli.out]);
  const line = (kind === "push" ? so : co).split("\n").find((l) => l.startsWith("RESULT "))!;
  return JSON.parse(line.slice(7)) as Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function orchestrate(opts: Record<string, string>): Promise<void> {
  const runs = Number(opts["runs"] ?? 3);
  const count = Number(opts["count"] ?? 200_000);
  const rt = Number(opts["rt"] ?? 5_000);
  const profileDir = opts["profile"];
  const rows: string[][] = [["scenario", "threadmq (await each send)", "threadmq (pipelined)", "zeromq.js", "threadmq/zeromq.js"]];
  for (const size of [16, 1024]) {
    const cells: number[][] = [[], [], []];
    for (let r = 0; r < runs; r++) {
      cells[0]!.push((await pair("threadmq", "push", size, count, "await", profileDir)).rate!);
      cells[1]!.push((await pair("threadmq", "push", size, count, "pipelined", profileDir)).rate!);
      cells[2]!.push((await pair("zeromq", "push", size, count, "await", profileDir)).rate!);
    }
    const m = cells.map(median);
    const fmt = (v: number) => `${(v / 1e6).toFixed(3)}M msg/s`;
    rows.push([`PUSH→PULL ${size} B ×${count}`, fmt(m[0]!), fmt(m[1]!), fmt(m[2]!), `${(m[0]! / m[2]!).toFixed(2)} / ${(m[1]! / m[2]!).toFixed(2)}`]);
    console.error(`  ${size} B runs: ${cells.map((c) => c.map((v) => (v / 1e6).toFixed(3)).join(",")).join(" | ")}`);
  }
  const lat: Record<string, number>[][] = [[], []];
  for (let r = 0; r < runs; r++) {
    lat[0]!.push(await pair("threadmq", "reqrep", 16, rt, "await", profileDir));
    lat[1]!.push(await pair("zeromq", "reqrep", 16, rt, "await", profileDir));
  }
  const l = lat.map((xs) => ({ p50: median(xs.map((x) => x.p50!)), p99: median(xs.map((x) => x.p99!)), mean: median(xs.map((x) => x.mean!)) }));
  const f = (x: { p50: number; p99: number; mean: number }) => `p50 ${x.p50.toFixed(0)} µs, p99 ${x.p99.toFixed(0)} µs`;
  rows.push([`REQ/REP 16 B round trip ×${rt}`, f(l[0]!), "—", f(l[1]!), `${(l[0]!.p50 / l[1]!.p50).toFixed(2)} (p50)`]);
  console.log(`\ntcp loopback, two processes per pair, median of ${runs} runs (node ${process.version}, ${process.arch})\n`);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(`| ${r.map((c, j) => c.padEnd(widths[j]!)).join(" | ")} |`);
    if (i === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  }
}

const opts = parseArgs();
if (opts["role"] === "server" || opts["role"] === "client") {
  const a: PeerArgs = {
    role: opts["role"],
    lib: opts["lib"] as Lib,
    kind: opts["kind"] as Kind,
    size: Number(opts["size"]),
    count: Number(opts["count"]),
    mode: (opts["mode"] ?? "await") as SendMode,
    endpoint: opts["endpoint"] ?? "",
  };
  await (a.role === "server" ? server(a) : client(a));
} else {
  await orchestrate(opts);
}
