/**
 * 4. zeromq.js (libzmq 4.3.5) for the same cross-thread PUSH -> PULL 16 B test: its inproc
 * between threads (zeromq.js shares one global context across worker threads, so a Push
 * bound in main and a Pull connected in a worker do meet), plus its tcp loopback figure
 * (worker thread, and worker process), next to threadmq in the same run.
 */
import type { BenchModule } from "../types.js";
import { RATE, threadmqPushPull, zeromqPushPull } from "./common.js";

const mod: BenchModule = {
  name: "zeromq-inproc",
  title: "zeromq.js vs threadmq, PUSH→PULL main → worker",
  description:
    "Messages/s (16 B) main -> worker: zeromq.js inproc between threads (global context), zeromq.js tcp 127.0.0.1 to a worker thread and to a child process, threadmq inproc await and try-loop.",
  cases: (o) => {
    const n = o.scale(200_000, 2_000);
    return [
      {
        name: "16 B",
        metrics: [RATE],
        baseline: "zeromq.js inproc",
        variants: [
          zeromqPushPull("zeromq.js inproc", "inproc", 16, n),
          zeromqPushPull("zeromq.js tcp (thread)", "tcp", 16, n, "thread"),
          zeromqPushPull("zeromq.js tcp (process)", "tcp", 16, n, "process"),
          threadmqPushPull("threadmq await", "await", 16, n),
          threadmqPushPull("threadmq try-loop", "try", 16, n),
        ],
      },
    ];
  },
};

export default mod;
