/**
 * Request-reply interop with zeromq.js (libzmq 4.3.5) as the peer, both directions
 * (threadmq binds / libzmq connects, and the reverse), over tcp and ipc:
 * REQ↔REP, REQ↔ROUTER, DEALER↔ROUTER, DEALER↔REP, with multipart bodies, empty frames and
 * routing ids crossing the wire.
 */
import test, { type ExecutionContext } from "ava";
import * as zmq from "zeromq";
import { ANY_TCP, EventLog, interopContext, ipcEndpoint, peer, recv, strings, tbind, within, zbind } from "../helpers/interop.js";

type Transport = "tcp" | "ipc";
type Side = "we bind" | "they bind";

/** Wires `ours` and `theirs` together over `transport`, with `side` deciding who binds. */
async function wire(t: ExecutionContext, ours: import("threadmq").Socket, theirs: zmq.Socket, side: Side, transport: Transport): Promise<string> {
  const endpoint = transport === "tcp" ? ANY_TCP : ipcEndpoint(t, "rr");
  if (side === "we bind") {
    const bound = await tbind(ours, endpoint);
    theirs.connect(bound);
    return bound;
  }
  const bound = await zbind(theirs, endpoint);
  ours.connect(bound);
  return bound;
}

const sides: Side[] = ["we bind", "they bind"];

for (const transport of ["tcp", "ipc"] as Transport[]) {
  for (const side of sides) {
    const name = (what: string) => `${transport}, ${side}: ${what}`;

    test(name("our REQ ↔ libzmq REP, multipart request with an empty frame, 3 round trips"), async (t) => {
      const ctx = interopContext(t);
      const req = ctx.socket("REQ", { linger: 0 });
      const rep = peer(t, new zmq.Reply());
      await wire(t, req, rep, side, transport);
      for (let i = 0; i < 3; i++) {
        await req.send([`hello ${i}`, "", Buffer.from([0, 1, 2])]);
        const got = await recv(rep, 10_000, "request at libzmq REP");
        t.deepEqual(got, [Buffer.from(`hello ${i}`), Buffer.alloc(0), Buffer.from([0, 1, 2])]);
        await rep.send(["world", `${i}`]);
        t.deepEqual(strings(await recv(req)), ["world", `${i}`]);
      }
    });

    test(name("libzmq REQ ↔ our REP, 3 round trips"), async (t) => {
      const ctx = interopContext(t);
      const rep = ctx.socket("REP", { linger: 0 });
      const req = peer(t, new zmq.Request());
      await wire(t, rep, req, side, transport);
      for (let i = 0; i < 3; i++) {
        await req.send(["ping", "", `${i}`]);
        t.deepEqual(strings(await recv(rep)), ["ping", "", `${i}`]);
        await rep.send(`pong ${i}`);
        t.deepEqual(strings(await recv(req, 10_000, "reply at libzmq REQ")), [`pong ${i}`]);
      }
    });

    test(name("our REQ ↔ libzmq ROUTER: envelope [id | '' | body] crosses intact"), async (t) => {
      const ctx = interopContext(t);
      const req = ctx.socket("REQ", { linger: 0, routingId: "tmq-req" });
      const router = peer(t, new zmq.Router());
      await wire(t, req, router, side, transport);
      await req.send(["question", "part 2"]);
      const [id, delimiter, ...body] = await recv(router, 10_000, "request at libzmq ROUTER");
      t.is(id!.toString(), "tmq-req", "libzmq ROUTER sees our routingId (READY Identity)");
      t.is(delimiter!.length, 0);
      t.deepEqual(strings(body), ["question", "part 2"]);
      await router.send([id!, "", "answer"]);
      t.deepEqual(strings(await recv(req)), ["answer"]);
    });

    test(name("libzmq REQ ↔ our ROUTER: we see the peer's Identity, our reply is routed back"), async (t) => {
      const ctx = interopContext(t);
      const router = ctx.socket("ROUTER", { linger: 0 });
      const req = peer(t, new zmq.Request({ routingId: "zmq-req" }));
      await wire(t, router, req, side, transport);
      await req.send("question");
      const [id, delimiter, body] = await recv(router);
      t.is(id!.toString(), "zmq-req");
      t.is(delimiter!.length, 0);
      t.is(body!.toString(), "question");
      await router.send([id!, "", "answer", "more"]);
      t.deepEqual(strings(await recv(req, 10_000, "reply at libzmq REQ")), ["answer", "more"]);
    });

    test(name("our DEALER ↔ libzmq ROUTER: async requests both ways, routing id, 20 messages"), async (t) => {
      const ctx = interopContext(t);
      const dealer = ctx.socket("DEALER", { linger: 0, routingId: "tmq-dealer" });
      const router = peer(t, new zmq.Router());
      await wire(t, dealer, router, side, transport);
      for (let i = 0; i < 20; i++) await dealer.send(["job", `${i}`]);
      for (let i = 0; i < 20; i++) {
        const [id, ...body] = await recv(router, 10_000, `job ${i} at libzmq ROUTER`);
        t.is(id!.toString(), "tmq-dealer");
        t.deepEqual(strings(body), ["job", `${i}`]);
        await router.send([id!, "done", `${i}`]);
      }
      for (let i = 0; i < 20; i++) t.deepEqual(strings(await recv(dealer)), ["done", `${i}`]);
    });

    test(name("libzmq DEALER ↔ our ROUTER: two libzmq dealers, replies routed by id"), async (t) => {
      const ctx = interopContext(t);
      const router = ctx.socket("ROUTER", { linger: 0 });
      const a = peer(t, new zmq.Dealer({ routingId: "A" }));
      const b = peer(t, new zmq.Dealer({ routingId: "B" }));
      const endpoint = await wire(t, router, a, side, transport);
      if (side === "we bind") b.connect(endpoint);
      else {
        // They bind: the second libzmq dealer needs its own endpoint for us to connect to.
        const second = await zbind(b, transport === "tcp" ? ANY_TCP : ipcEndpoint(t, "rr2"));
        router.connect(second);
      }
      await a.send(["from", "A"]);
      await b.send(["from", "B"]);
      const seen = new Map<string, string[]>();
      for (let i = 0; i < 2; i++) {
        const [id, ...body] = await recv(router);
        seen.set(id!.toString(), strings(body));
      }
      t.deepEqual(Object.fromEntries(seen), { A: ["from", "A"], B: ["from", "B"] });
      await router.send(["B", "to B"]);
      await router.send(["A", "to A"]);
      t.deepEqual(strings(await recv(a, 10_000, "reply at dealer A")), ["to A"]);
      t.deepEqual(strings(await recv(b, 10_000, "reply at dealer B")), ["to B"]);
    });

    test(name("our DEALER ↔ libzmq REP: we write the empty delimiter, REP strips and restores it"), async (t) => {
      const ctx = interopContext(t);
      const dealer = ctx.socket("DEALER", { linger: 0 });
      const rep = peer(t, new zmq.Reply());
      await wire(t, dealer, rep, side, transport);
      await dealer.send(["", "a", "b"]);
      t.deepEqual(strings(await recv(rep, 10_000, "request at libzmq REP")), ["a", "b"]);
      await rep.send("c");
      t.deepEqual(strings(await recv(dealer)), ["", "c"]);
    });

    test(name("libzmq DEALER ↔ our REP"), async (t) => {
      const ctx = interopContext(t);
      const rep = ctx.socket("REP", { linger: 0 });
      const dealer = peer(t, new zmq.Dealer());
      await wire(t, rep, dealer, side, transport);
      await dealer.send(["", "x", "y"]);
      t.deepEqual(strings(await recv(rep)), ["x", "y"]);
      await rep.send(["z"]);
      t.deepEqual(strings(await recv(dealer, 10_000, "reply at libzmq DEALER")), ["", "z"]);
    });
  }
}

test("tcp: our ROUTER connects to a libzmq ROUTER: each side routes by the Identity the other announced", async (t) => {
  const ctx = interopContext(t);
  const ours = ctx.socket("ROUTER", { linger: 0, routingId: "ours" });
  const log = new EventLog(ours);
  const theirs = peer(t, new zmq.Router({ routingId: "theirs" }));
  const incoming = theirs.receive();
  ours.connect(await zbind(theirs, ANY_TCP));
  await log.wait("handshake");
  await ours.send(["theirs", "hello from ours"]);
  t.deepEqual(strings(await within(incoming, 10_000, "message at libzmq ROUTER")), ["ours", "hello from ours"]);
  await theirs.send(["ours", "hello from theirs"]);
  t.deepEqual(strings(await recv(ours)), ["theirs", "hello from theirs"]);
});
