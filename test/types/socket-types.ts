/**
 * Compile-only checks of the typed socket surface (design.md: "The type of the returned
 * object follows the literal, so `ctx.socket("SUB").send(...)` is a compile error").
 * Not a test file: `tsc -b` checks it (test/tsconfig.json includes every .ts under test/),
 * so an `@ts-expect-error` line that stops being an error breaks the build. Never run.
 */
import {
  Context,
  type Dealer,
  type Message,
  type Pair,
  type Publisher,
  type Pull,
  type Push,
  type Reply,
  type Request,
  type Router,
  type Subscriber,
  type XPublisher,
  type XSubscriber,
} from "threadmq";

export async function socketTypeChecks(ctx: Context): Promise<void> {
  // ---- send / receive exist only where the pattern allows them -------------------
  // @ts-expect-error SUB cannot send
  await ctx.socket("SUB").send("x");
  // @ts-expect-error SUB cannot send, not even without waiting
  ctx.socket("SUB").trySend("x");
  // @ts-expect-error PUSH cannot receive
  await ctx.socket("PUSH").receive();
  // @ts-expect-error PUSH cannot receive, not even without waiting
  ctx.socket("PUSH").tryReceive();
  // @ts-expect-error PUB cannot receive
  await ctx.socket("PUB").receive();
  // @ts-expect-error PULL cannot send
  await ctx.socket("PULL").send("x");

  const xpub: XPublisher = ctx.socket("XPUB");
  const upstream: Message = await xpub.receive();
  await xpub.send(upstream);
  const xsub: XSubscriber = ctx.socket("XSUB");
  await xsub.send([Buffer.from([1])]);
  const pair: Pair = ctx.socket("PAIR");
  await pair.send(await pair.receive());

  // ---- the returned class follows the literal ----------------------------------------
  const req: Request = ctx.socket("REQ");
  req.relaxed = true;
  req.correlate = true;
  const relaxed: boolean = req.relaxed;
  const rep: Reply = ctx.socket("REP");
  const reply: Buffer[] = await rep.receive();
  await rep.send(reply);

  const router: Router = ctx.socket("ROUTER");
  router.mandatory = true;
  router.handover = true;
  router.probeRouter = false;
  const mandatory: boolean = router.mandatory;

  const sub: Subscriber = ctx.socket("SUB");
  sub.subscribe("A", Buffer.from([1, 2]));
  sub.unsubscribe();
  // @ts-expect-error PUB has no subscribe
  ctx.socket("PUB").subscribe("A");
  const pub: Publisher = ctx.socket("PUB");
  pub.noDrop = true;
  // @ts-expect-error verbose is an XPUB option, not a PUB one
  pub.verbose = true;

  // @ts-expect-error relaxed is a REQ option
  ctx.socket("DEALER").relaxed = true;
  // @ts-expect-error mandatory is a ROUTER option
  ctx.socket("REQ").mandatory = true;
  // @ts-expect-error a REQ is not a Router
  const notRouter: Router = ctx.socket("REQ");

  // ---- constructor options are typed per socket type ---------------------------------
  const dealer: Dealer = ctx.socket("DEALER", { routingId: "A", linger: 0, sendHighWaterMark: 1 });
  ctx.socket("ROUTER", { mandatory: true, handover: true, routingId: Buffer.from("R") });
  ctx.socket("REQ", { relaxed: true, correlate: true });
  ctx.socket("XPUB", { verbose: true, noDrop: true });
  // @ts-expect-error mandatory does not apply to PUSH
  ctx.socket("PUSH", { mandatory: true });
  // @ts-expect-error options have their types
  ctx.socket("PUSH", { linger: "0" });
  // @ts-expect-error unknown socket type
  ctx.socket("STREAM");
  // TYPING DEVIATION (cannot be kept as a failing check here without breaking `tsc -b`):
  // SocketOptions<P> maps every non-function property of the class, so read-only state
  // such as `closed`, `type`, `lastEndpoint`, `stats`, `events`, `readable`, `writable`
  // is accepted as a constructor option, e.g. ctx.socket("PUSH", { closed: true })
  // compiles, then throws EINVAL ("unknown option") at run time (see bad-input.test.ts).

  // ---- common options are properties everywhere -----------------------------------
  const push: Push = ctx.socket("PUSH");
  push.sendTimeout = 250;
  const pull: Pull = ctx.socket("PULL");
  pull.receiveTimeout = 250;
  const hwm: number = pull.receiveHighWaterMark;
  const trySent: boolean = push.trySend(["a", Buffer.alloc(1), new Uint8Array(1)]);
  const maybe: Buffer[] | undefined = pull.tryReceive();
  for await (const frames of pull) void frames.length;

  void [relaxed, mandatory, notRouter, dealer, hwm, trySent, maybe];
}
