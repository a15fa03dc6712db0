/** wuproxy: subscriptions go up through XPUB/XSUB, weather comes down. */
import test from "ava";
import { wuclient } from "@threadmq/examples/wuclient";
import { wuproxy } from "@threadmq/examples/wuproxy";
import { wuserver } from "@threadmq/examples/wuserver";
import { within } from "../helpers/lines.js";
import { exampleContext } from "../helpers/programs.js";

test("wuclient behind wuproxy gets only its zip code's updates from wuserver", async (t) => {
  const ctx = exampleContext(t);
  const server = await wuserver(ctx, { bind: ["tcp://127.0.0.1:0"], zipFrom: 10000, zipTo: 10005 });
  const proxy = await wuproxy(ctx, { frontend: server.endpoints[0], backend: "tcp://127.0.0.1:0" });
  const result = await within(wuclient(ctx, { zipcode: "10003", connect: proxy.backend, updates: 20, log: () => {} }), 15000, "wuclient");
  t.is(result.temperatures.length, 20);
  await within(ctx.term(), 5000, "term");
  await proxy.done;
});
