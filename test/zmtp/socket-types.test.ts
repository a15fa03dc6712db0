/**
 * The §1.2 peer matrix and the NULL mechanism's verdicts on a peer's READY.
 */
import test from "ava";
import { commands, hex, nullMechanism, socketTypes } from "./internals.js";

const { isCompatiblePeer, ZMTP_SOCKET_TYPES, compatiblePeers, sendsIdentity, isZmtpSocketType } = socketTypes;
const { NullMechanism } = nullMechanism;

test("the matrix is symmetric and matches §1.2", (t) => {
  for (const a of ZMTP_SOCKET_TYPES) for (const b of ZMTP_SOCKET_TYPES) t.is(isCompatiblePeer(a, b), isCompatiblePeer(b, a), `${a}/${b}`);
  const valid = [
    ["PUB", "SUB"], ["PUB", "XSUB"], ["XPUB", "SUB"], ["XPUB", "XSUB"], ["REQ", "REP"], ["REQ", "ROUTER"],
    ["REP", "DEALER"], ["DEALER", "DEALER"], ["DEALER", "ROUTER"], ["ROUTER", "ROUTER"], ["PUSH", "PULL"], ["PAIR", "PAIR"],
    ["CLIENT", "SERVER"], ["RADIO", "DISH"], ["SCATTER", "GATHER"], ["PEER", "PEER"], ["CHANNEL", "CHANNEL"],
  ];
  for (const [a, b] of valid) t.true(isCompatiblePeer(a!, b!), `${a}-${b}`);
  for (const [a, b] of [["REP", "ROUTER"], ["REQ", "REQ"], ["PUB", "PUB"], ["PUSH", "ROUTER"], ["SUB", "SUB"], ["PAIR", "DEALER"]]) {
    t.false(isCompatiblePeer(a!, b!), `${a}-${b}`);
  }
  t.false(isCompatiblePeer("STREAM", "STREAM"));
  t.false(isCompatiblePeer("dealer", "ROUTER"), "spelling is exact");
  t.false(isZmtpSocketType("STREAM"));
  t.deepEqual(compatiblePeers("nope"), []);
  t.deepEqual(ZMTP_SOCKET_TYPES.filter(sendsIdentity), ["REQ", "DEALER", "ROUTER"]);
});

function ready(props: [string, string | Buffer][]) {
  const body = commands.encodeReady(props.map(([k, v]) => [k, typeof v === "string" ? Buffer.from(v) : v] as const));
  const parsed = commands.parseCommand(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

test("NULL accepts a compatible READY and reports type, identity and all properties", (t) => {
  const step = new NullMechanism({ socketType: "ROUTER" }).onCommand(ready([["Socket-Type", "DEALER"], ["Identity", "abc"], ["X-Foo", "1"]]));
  if (step.kind !== "done") return t.fail(JSON.stringify(step));
  t.is(step.peer.socketType, "DEALER");
  t.deepEqual(step.peer.routingId, Buffer.from("abc"));
  t.deepEqual(step.peer.properties.get("X-Foo"), Buffer.from("1"));
  t.deepEqual(step.send, []);
});

test("NULL: empty Identity means no routing id; property names are case-insensitive; missing type is tolerated", (t) => {
  const a = new NullMechanism({ socketType: "ROUTER" }).onCommand(ready([["socket-type", "DEALER"], ["IDENTITY", ""]]));
  if (a.kind !== "done") return t.fail();
  t.is(a.peer.socketType, "DEALER");
  t.is(a.peer.routingId, undefined);
  const b = new NullMechanism({ socketType: "ROUTER" }).onCommand(ready([]));
  if (b.kind !== "done") return t.fail();
  t.is(b.peer.socketType, undefined);
});

test("NULL refuses an incompatible type with an ERROR to send", (t) => {
  const step = new NullMechanism({ socketType: "ROUTER" }).onCommand(ready([["Socket-Type", "PUSH"]]));
  if (step.kind !== "failed") return t.fail();
  t.is(step.cause, "socket-type");
  t.regex(step.detail, /ROUTER cannot talk to "PUSH"/);
  t.is(step.send.length, 1);
  const err = commands.parseCommand(step.send[0]!);
  t.true(err.ok && err.value.kind === "error");
});

test("NULL fails on a peer ERROR, a 256-byte Identity, or any other command", (t) => {
  const e = new NullMechanism({ socketType: "DEALER" }).onCommand({ kind: "error", reason: "go away" });
  t.like(e, { kind: "failed", cause: "peer-error", send: [] });
  const id = new NullMechanism({ socketType: "ROUTER" }).onCommand(ready([["Socket-Type", "DEALER"], ["Identity", Buffer.alloc(256, 1)]]));
  t.like(id, { kind: "failed", cause: "metadata" });
  const ping = new NullMechanism({ socketType: "DEALER" }).onCommand({ kind: "ping", ttl: 0, context: hex("") });
  t.like(ping, { kind: "failed", cause: "protocol" });
  t.throws(() => new NullMechanism({ socketType: "DEALER", routingId: Buffer.alloc(256) }));
});
