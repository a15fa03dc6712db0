/** wuserver + wuclient: the client averages what it received for its zip code. */
import test from "ava";
import { Context } from "threadmq";
import { wuclient } from "@threadmq/examples/wuclient";
import { weatherUpdate, wuserver } from "@threadmq/examples/wuserver";
import { freeEndpoint } from "../helpers/ports.js";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("wuclient averages the updates it received from wuserver for its zip code (in-process)", async (t) => {
  const ctx = exampleContext(t);
  // Ten zip codes only, so that 10001 comes up often.
  const server = await wuserver(ctx, { bind: ["tcp://127.0.0.1:0"], zipFrom: 10000, zipTo: 10010 });
  const log = new Lines();
  const result = await within(wuclient(ctx, { zipcode: "10001", connect: server.endpoints[0], updates: 50, log: log.log }), 15000, "wuclient");
  t.is(result.temperatures.length, 50);
  t.true(result.temperatures.every((temp) => Number.isInteger(temp) && temp >= -80 && temp <= 134));
  const average = result.temperatures.reduce((a, b) => a + b, 0) / 50;
  t.is(result.average, average);
  await log.waitFor(new RegExp(`^Average temperature for zipcode '10001' was ${Math.trunc(average)}F$`));
  await within(ctx.term(), 5000, "term");
  t.true((await server.done) >= 50);
});

test("weather updates have the guide's format: 5-digit zip, temperature, humidity", (t) => {
  for (let i = 0; i < 1000; i++) {
    const [zip, temperature, humidity] = weatherUpdate().split(" ").map(Number);
    t.true(zip! >= 0 && zip! < 100000 && temperature! >= -80 && temperature! < 135 && humidity! >= 10 && humidity! < 60);
  }
});

test("wuclient as a program: its average is that of the 10001 updates a known publisher sent", async (t) => {
  const ctx = exampleContext(t);
  // An XPUB shows the client's subscription arriving: publish only once it is there.
  const publisher = ctx.socket("XPUB", { linger: 0 });
  await publisher.bind("tcp://127.0.0.1:0");
  const client = startExample(t, "wuclient", ["10001", "--connect", publisher.lastEndpoint!, "--updates", "5"]);
  const [subscription] = await within(publisher.receive(), 10000, "subscription");
  t.is(subscription!.toString(), "\x0110001 ");
  const temperatures = [20, 31, -5, 44, 17];
  for (const temperature of temperatures) {
    await publisher.send(`10002 99 50`); // filtered out by the publisher (not subscribed)
    await publisher.send(`10001 ${temperature} 40`);
  }
  t.deepEqual(await within(client.exit, 10000, "wuclient"), { code: 0, signal: null });
  t.is(client.stdout.all.at(-1), `Average temperature for zipcode '10001' was ${Math.trunc(107 / 5)}F`);
});

test("wuserver as a program publishes to a subscriber that connects late (an endless stream)", async (t) => {
  const endpoint = await freeEndpoint();
  startExample(t, "wuserver", ["--bind", endpoint]);
  const ctx = new Context();
  const subscriber = ctx.socket("SUB", { receiveTimeout: 10000 });
  subscriber.connect(endpoint);
  subscriber.subscribe("");
  const [update] = await subscriber.receive();
  t.regex(update!.toString(), /^\d{5} -?\d+ \d+$/);
  subscriber.close();
  await ctx.term();
});
