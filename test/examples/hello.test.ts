/** hwserver + hwclient: ten lock-step round trips, in-process and as two programs. */
import test from "ava";
import { hwclient } from "@threadmq/examples/hwclient";
import { hwserver } from "@threadmq/examples/hwserver";
import { freeEndpoint } from "../helpers/ports.js";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("hwclient gets World for each of its ten Hellos from hwserver (in-process, tcp port 0)", async (t) => {
  const ctx = exampleContext(t);
  const serverLog = new Lines();
  const server = await hwserver(ctx, { bind: "tcp://127.0.0.1:0", workMs: 0, log: serverLog.log });
  const clientLog = new Lines();
  const replies = await within(hwclient(ctx, { connect: server.endpoint, log: clientLog.log }), 10000, "hwclient");
  t.deepEqual(replies, Array(10).fill("World"));
  t.is(serverLog.matching(/^Received Hello$/).length, 10);
  t.is(clientLog.matching(/^Received World \d$/).length, 10);
  await within(ctx.term(), 5000, "term");
  t.is(await server.done, 10);
});

test("hwserver and hwclient as programs: the client prints ten replies and exits 0", async (t) => {
  const endpoint = await freeEndpoint();
  const server = startExample(t, "hwserver", ["--bind", endpoint, "--work-ms", "1"]);
  const client = startExample(t, "hwclient", ["--connect", endpoint, "--requests", "10"]);
  t.deepEqual(await within(client.exit, 15000, "hwclient"), { code: 0, signal: null });
  t.is(client.stdout.matching(/^Received World \d$/).length, 10);
  await server.stdout.waitFor(/^Received Hello$/);
  t.is(server.stdout.matching(/^Received Hello$/).length, 10);
});
