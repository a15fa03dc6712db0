/**
 * The `threadmq` command line against zeromq.js (libzmq) peers, both directions, and
 * its argument checking.
 */
import test, { type ExecutionContext } from "ava";
import * as zmq from "zeromq";
import { within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { cliScript, startScript, type Program } from "../helpers/programs.js";

function cli(t: ExecutionContext, args: string[], stdin?: string): Program {
  const program = startScript(t, cliScript(), args);
  if (stdin !== undefined) program.child.stdin.end(stdin);
  return program;
}

/** A zeromq.js socket closed at teardown. */
function peer<S extends zmq.Socket>(t: ExecutionContext, socket: S): S {
  socket.linger = 0;
  t.teardown(() => socket.close());
  return socket;
}

test("PUSH from stdin to a zeromq.js PULL: a line per message, --delimiter splits frames, --hex decodes 0x frames", async (t) => {
  const pull = peer(t, new zmq.Pull());
  await pull.bind("tcp://127.0.0.1:*");
  const program = cli(t, ["PUSH", pull.lastEndpoint!, "--delimiter", ",", "--hex"], "hello\nkey,value\n0x00ff,text\n");
  const received = [];
  for (let i = 0; i < 3; i++) received.push((await within(pull.receive(), 10000, "zeromq.js receive")).map((f) => Buffer.from(f)));
  t.deepEqual(received, [[Buffer.from("hello")], [Buffer.from("key"), Buffer.from("value")], [Buffer.from([0, 255]), Buffer.from("text")]]);
  t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 0, signal: null });
});

test("PUSH delivers what it read even when the PULL binds later (waits for its peer on exit)", async (t) => {
  const endpoint = await freeEndpoint();
  const program = cli(t, ["PUSH", endpoint], "early\n");
  const pull = peer(t, new zmq.Pull());
  await pull.bind(endpoint);
  const [frame] = await within(pull.receive(), 10000, "zeromq.js receive");
  t.is(frame!.toString(), "early");
  t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 0, signal: null });
});

test("zeromq.js PUB to SUB with --subscribe and --count: only matching messages, multipart shown with ' | '", async (t) => {
  const pub = peer(t, new zmq.Publisher());
  await pub.bind("tcp://127.0.0.1:*");
  const program = cli(t, ["SUB", pub.lastEndpoint!, "--subscribe", "B", "--subscribe", "C", "--count", "4"]);
  // The stream is endless, as the guide's: the subscriber picks it up whenever it joins.
  let running = true;
  void program.exit.then(() => (running = false));
  for (let n = 0; running; n++) {
    await pub.send(["A", `a${n}`]);
    await pub.send(["B", `b${n}`]);
    await pub.send([`C${n}`]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.deepEqual(await program.exit, { code: 0, signal: null });
  const lines = program.stdout.all;
  t.is(lines.length, 4);
  for (const line of lines) t.regex(line, /^(B \| b\d+|C\d+)$/);
});

test("REQ sends each stdin line to a zeromq.js REP and prints its reply", async (t) => {
  const rep = peer(t, new zmq.Reply());
  await rep.bind("tcp://127.0.0.1:*");
  const program = cli(t, ["REQ", rep.lastEndpoint!], "one\ntwo\n");
  void (async () => {
    for await (const [request] of rep) await rep.send(`re: ${request}`);
  })().catch(() => {});
  t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 0, signal: null });
  t.deepEqual(program.stdout.all, ["re: one", "re: two"]);
});

test("REP answers a zeromq.js REQ with stdin lines, then echoes once stdin has ended", async (t) => {
  const endpoint = await freeEndpoint();
  const program = cli(t, ["REP", endpoint, "--count", "2"], "first answer\n");
  const req = peer(t, new zmq.Request());
  req.connect(endpoint);
  await req.send("q1");
  t.is((await within(req.receive(), 10000, "reply 1"))[0]!.toString(), "first answer");
  await req.send("q2");
  t.is((await within(req.receive(), 10000, "reply 2"))[0]!.toString(), "q2");
  t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 0, signal: null });
  t.deepEqual(program.stdout.all, ["q1", "q2"]);
});

test("ROUTER prints a zeromq.js DEALER's routing id and message; --identity names a DEALER to a zeromq.js ROUTER", async (t) => {
  const endpoint = await freeEndpoint();
  const routerCli = cli(t, ["ROUTER", endpoint, "--count", "1"]);
  const dealer = peer(t, new zmq.Dealer({ routingId: "peer-1" }));
  dealer.connect(endpoint);
  await dealer.send(["", "hello"]);
  t.deepEqual(await within(routerCli.exit, 10000, "router exit"), { code: 0, signal: null });
  t.deepEqual(routerCli.stdout.all, ["peer-1 |  | hello"]);

  const router = peer(t, new zmq.Router());
  await router.bind("tcp://127.0.0.1:*");
  const dealerCli = cli(t, ["DEALER", router.lastEndpoint!, "--identity", "cli-7", "--count", "1", "--delimiter", "/"], "/ask\n");
  const [id, empty, body] = await within(router.receive(), 10000, "router receive");
  t.deepEqual([id!.toString(), empty!.length, body!.toString()], ["cli-7", 0, "ask"]);
  await router.send([id!, "", Buffer.from([1, 2, 3])]);
  t.deepEqual(await within(dealerCli.exit, 10000, "dealer exit"), { code: 0, signal: null });
  t.deepEqual(dealerCli.stdout.all, ["/0x010203"]);
});

test("binary frames print as hex by default and as base64 with --base64", async (t) => {
  for (const [flags, expected] of [[[], "0x00ff10 | text"], [["--base64"], "base64:AP8Q | text"]] as const) {
    const endpoint = await freeEndpoint();
    const program = cli(t, ["PULL", endpoint, "--count", "1", ...flags]);
    const push = peer(t, new zmq.Push());
    push.connect(endpoint);
    await push.send([Buffer.from([0, 255, 16]), "text"]);
    t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 0, signal: null });
    t.deepEqual(program.stdout.all, [expected]);
  }
});

test("--receive-timeout ends a quiet receive: status 0 without --count, 1 when --count was not reached", async (t) => {
  const endpoint = await freeEndpoint();
  const quiet = cli(t, ["PULL", endpoint, "--receive-timeout", "200"]);
  t.deepEqual(await within(quiet.exit, 10000, "cli exit"), { code: 0, signal: null });
  const short = cli(t, ["SUB", endpoint, "--receive-timeout", "200", "--count", "1"]);
  t.deepEqual(await within(short.exit, 10000, "cli exit"), { code: 1, signal: null });
});

const badArguments: [string, string[]][] = [
  ["no arguments", []],
  ["an unknown socket type", ["FOO", "tcp://127.0.0.1:5555"]],
  ["no endpoint", ["PUB"]],
  ["an unknown option", ["PUB", "tcp://127.0.0.1:5555", "--frobnicate"]],
  ["a bad count", ["PULL", "tcp://127.0.0.1:5555", "--count", "many"]],
  ["--subscribe on a PUSH", ["PUSH", "tcp://127.0.0.1:5555", "--subscribe", "A"]],
  ["both --hex and --base64", ["PULL", "tcp://127.0.0.1:5555", "--hex", "--base64"]],
  ["an endpoint the library refuses", ["PULL", "tcp://127.0.0.1:port"]],
  ["an unsupported transport", ["PULL", "udp://127.0.0.1:5555"]],
];

for (const [what, args] of badArguments) {
  test(`bad arguments (${what}) print usage to stderr and exit 2`, async (t) => {
    const program = cli(t, args);
    t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 2, signal: null });
    t.truthy(await program.stderr.waitFor(/^usage: threadmq <TYPE>/));
    t.regex(program.stderr.all[0]!, /^threadmq: /);
    t.deepEqual(program.stdout.all, []);
  });
}

test("--help prints usage to stdout and exits 0", async (t) => {
  const program = cli(t, ["--help"]);
  t.deepEqual(await within(program.exit, 10000, "cli exit"), { code: 0, signal: null });
  t.regex(program.stdout.all[0]!, /^usage: threadmq <TYPE>/);
});
