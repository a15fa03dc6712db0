import test from "ava";
import * as Comlink from "comlink";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Context } from "threadmq";
import { socketEndpoint } from "@threadmq/comlink";
import type { Api } from "../fixtures/comlink-api.js";

// The same exposed object in a child process, over a PAIR socket on tcp.
test("a wrapped object in a child process over tcp, with callbacks and errors", async (t) => {
  const context = new Context();
  const pair = context.socket("PAIR");
  const endpoint = socketEndpoint(pair);
  try {
    await pair.bind("tcp://127.0.0.1:0");
    const child = spawn(process.execPath, [fileURLToPath(new URL("../fixtures/comlink-worker.js", import.meta.url))], {
      env: { ...process.env, COMLINK_ENDPOINT: pair.lastEndpoint! },
      stdio: "inherit",
    });
    const exited = once(child, "exit");
    try {
      const remote = Comlink.wrap<Api>(endpoint as unknown as Comlink.Endpoint);
      t.is(await remote.add(1, 2), 3);
      t.is(await remote.where(), `process ${child.pid}`);
      t.is(await remote.callBack(Comlink.proxy((n: number) => n * 2), 3), 12);
      const error = await t.throwsAsync(remote.fail());
      t.is(error.name, "QuotaError");
    } finally {
      endpoint.close(); // the child sees the disconnect and exits
      await exited;
    }
  } finally {
    endpoint.close();
    await context.term();
  }
});

// Needs a process of its own: what is under test is an uncaught exception.
test("a listener that throws: the error is uncaught, as from a MessagePort, and the next message is still delivered", async (t) => {
  const child = spawn(process.execPath, [fileURLToPath(new URL("../fixtures/comlink-throwing-listener.js", import.meta.url))], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  t.is(code, 0);
  t.deepEqual(JSON.parse(output), {
    received: [{ n: 1 }, { n: 2 }],
    uncaught: ['listener failed on {"n":1}', 'listener failed on {"n":2}'],
  });
});
