import { Context } from "threadmq";
const ctx = new Context();
const push = ctx.socket("PUSH"); push.connect("tcp://127.0.0.1:" + process.argv[2]);
await push.send("hello"); push.close(); console.log("closed"); await ctx.term(); console.log("term done");
