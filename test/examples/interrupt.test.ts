/** interrupt: SIGINT ends a blocked receive cleanly. */
import test from "ava";
import { Context } from "threadmq";
import { interrupt } from "@threadmq/examples/interrupt";
import { Lines, within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("SIGINT to the program ends its blocked receive: it says so, terminates its context and exits 0", async (t) => {
  const endpoint = await freeEndpoint();
  const server = startExample(t, "interrupt", ["--bind", endpoint]);
  // A reply proves the handler is installed and the server is in its loop.
  const ctx = new Context();
  const req = ctx.socket("REQ", { receiveTimeout: 10000, linger: 0 });
  req.connect(endpoint);
  await req.send("Hello");
  t.is((await req.receive())[0]!.toString(), "World (Hello)");
  req.close();
  await ctx.term();

  server.child.kill("SIGINT");
  t.deepEqual(await within(server.exit, 10000, "interrupt exit"), { code: 0, signal: null });
  t.deepEqual(server.stdout.all.slice(1), ["W: interrupt received, killing server...", "I: clean shutdown"]);
});

test("in-process: aborting the signal ends the blocked receive", async (t) => {
  const ctx = exampleContext(t);
  const log = new Lines();
  const interrupted = new AbortController();
  const served = interrupt(ctx, { bind: "tcp://127.0.0.1:0", signal: interrupted.signal, log: log.log, listening: () => interrupted.abort() });
  t.is(await within(served, 5000, "interrupt"), 0);
  t.deepEqual(log.all, ["W: interrupt received, killing server..."]);
});
