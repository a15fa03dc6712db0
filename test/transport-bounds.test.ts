/**
 * Over tcp and ipc the high-water marks are approximate (engine and kernel buffers add
 * capacity, as libzmq documents), but memory must stay bounded under a slow consumer:
 * the sender ends up waiting, and everything it got rid of arrives, in order.
 */
import test from "ava";
import { Context, ZmqError } from "threadmq";
import { bindEndpoint, connectPeers } from "./helpers/transports.js";

for (const transport of ["tcp", "ipc"] as const) {
  test(`a consumer that does not read makes the sender wait: bounded memory, nothing lost (${transport})`, async (t) => {
    const ctx = new Context();
    const pull = ctx.socket("PULL", { receiveHighWaterMark: 10, linger: 0 });
    const push = ctx.socket("PUSH", { sendHighWaterMark: 10, sendTimeout: 300, linger: 0 });
    t.teardown(async () => {
      pull.close();
      push.close();
      await ctx.term();
    });
    const ep = await bindEndpoint(pull, transport);
    await connectPeers(transport, pull, ep, [push]);
    const payload = Buffer.alloc(1024, 7);
    let accepted = 0;
    let error: unknown;
    while (accepted < 100_000) {
      payload.writeUInt32BE(accepted);
      try {
        await push.send(Buffer.from(payload));
        accepted++;
      } catch (caught) {
        error = caught;
        break;
      }
    }
    t.true(error instanceof ZmqError && error.code === "EAGAIN", "the sender ended up waiting");
    // 1 KiB messages: the pipes hold 20, the engine 256 KiB, the kernel a few MiB at most.
    t.true(accepted < 20_000, `accepted ${accepted} messages before blocking`);
    for (let i = 0; i < accepted; i++) {
      const [frame] = await pull.receive();
      if (frame!.readUInt32BE(0) !== i) return t.fail(`message ${i} arrived as ${frame!.readUInt32BE(0)}`);
    }
    t.is(pull.tryReceive(), undefined);
  });
}

for (const transport of ["tcp", "ipc"] as const) {
  test(`messages that arrived before the peer went away are still delivered (${transport})`, async (t) => {
    const ctx = new Context();
    const pull = ctx.socket("PULL", { linger: 0 });
    const push = ctx.socket("PUSH");
    t.teardown(async () => {
      pull.close();
      push.close();
      await ctx.term();
    });
    const events = pull.events;
    const ep = await bindEndpoint(pull, transport);
    await connectPeers(transport, pull, ep, [push]);
    for (let i = 0; i < 100; i++) await push.send(String(i));
    push.close();
    // Read nothing until the connection is gone: what it carried must still be there.
    for await (const event of events) if (event.type === "disconnect") break;
    const got: string[] = [];
    for (let msg = pull.tryReceive(); msg; msg = pull.tryReceive()) got.push(msg[0]!.toString());
    t.deepEqual(got, Array.from({ length: 100 }, (_, i) => String(i)));
  });
}
