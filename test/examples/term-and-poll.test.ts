/**
 * Two library bugs met while porting the guide, now fixed; these tests keep them fixed.
 */
import { fileURLToPath } from "node:url";
import test from "ava";
import { Context } from "threadmq";
import { within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { startScript } from "../helpers/programs.js";

// ctx.term() keeps the process alive while a closed socket lingers on a tcp connect whose
// peer is not listening yet, as libzmq's zmq_ctx_term blocks until the linger ends.
test("term waits for a lingering message until the connect peer appears (exits 0, delivers)", async (t) => {
  const endpoint = await freeEndpoint();
  const child = startScript(t, fileURLToPath(new URL("../fixtures/linger-connect.js", import.meta.url)), [endpoint]);
  await child.stdout.waitFor(/^closed, terminating$/);
  const ctx = new Context();
  t.teardown(async () => {
    for (const socket of [...ctx.sockets]) socket.close();
    await ctx.term();
  });
  const pull = ctx.socket("PULL", { receiveTimeout: 5000 });
  await pull.bind(endpoint);
  const exit = await within(child.exit, 10000, "child exit");
  t.deepEqual(exit, { code: 0, signal: null });
  t.is((await pull.receive())[0]!.toString(), "hello");
});

// A Poller.poll() without a timeout settles when the context terminates (ETERM), as zmq_poll
// does, so loops blocked in poll end as loops blocked in receive do.
test("a pending poll settles (resolves or rejects ETERM) when the context terminates", async (t) => {
  // In a child process: the pending poll would keep this test process alive.
  const child = startScript(t, fileURLToPath(new URL("../fixtures/poll-after-term.js", import.meta.url)));
  t.is((await within(child.exit, 10000, "child exit")).code, 0);
  t.not(child.stdout.all[0], "still pending");
});
