import { Context } from "threadmq";

const rep = Context.attach().socket("REP");
rep.connect("inproc://echo");
for await (const [msg] of rep) await rep.send(`${msg}, from a thread`);
