/**
 * The multi-part examples `pnpm example <group>` starts together, one process per part,
 * on the guide's ports (or on free ones with --free-ports).
 */

export interface Part {
  /** The example to run (examples/build/<name>.js). */
  name: string;
  args: string[];
  /** The group is over when every part marked `ends` has exited. */
  ends?: boolean;
}

export interface Group {
  describe: string;
  /** The parts, given a mapping from a guide port to the port to use. */
  parts(port: (guidePort: number) => number): Part[];
}

const workers = (n: number, part: Omit<Part, "name">, name: string): Part[] => Array.from({ length: n }, () => ({ name, ...part }));

export const groups: Record<string, Group> = {
  hello: {
    describe: "hwserver + hwclient (chapter 1)",
    parts: (p) => [
      { name: "hwserver", args: ["--bind", `tcp://*:${p(5555)}`] },
      { name: "hwclient", args: ["--connect", `tcp://localhost:${p(5555)}`], ends: true },
    ],
  },
  weather: {
    describe: "wuserver + wuclient (chapter 1)",
    parts: (p) => [
      { name: "wuserver", args: ["--bind", `tcp://*:${p(5556)}`] },
      { name: "wuclient", args: ["--connect", `tcp://localhost:${p(5556)}`], ends: true },
    ],
  },
  pipeline: {
    describe: "taskvent + 3 taskwork + tasksink (chapter 1)",
    parts: (p) => [
      { name: "tasksink", args: ["--bind", `tcp://*:${p(5558)}`], ends: true },
      ...workers(3, { args: ["--tasks", `tcp://localhost:${p(5557)}`, "--sink", `tcp://localhost:${p(5558)}`] }, "taskwork"),
      { name: "taskvent", args: ["--bind", `tcp://*:${p(5557)}`, "--sink", `tcp://localhost:${p(5558)}`, "--workers", "3"] },
    ],
  },
  pipeline2: {
    describe: "taskvent + 3 taskwork2 + tasksink2, ended by KILL (chapter 2)",
    parts: (p) => [
      { name: "tasksink2", args: ["--bind", `tcp://*:${p(5558)}`, "--control", `tcp://*:${p(5559)}`], ends: true },
      ...workers(3, { args: ["--tasks", `tcp://localhost:${p(5557)}`, "--sink", `tcp://localhost:${p(5558)}`, "--control", `tcp://localhost:${p(5559)}`], ends: true }, "taskwork2"),
      { name: "taskvent", args: ["--bind", `tcp://*:${p(5557)}`, "--sink", `tcp://localhost:${p(5558)}`, "--workers", "3"] },
    ],
  },
  rr: {
    describe: "rrbroker + 2 rrworker + rrclient (chapter 2)",
    parts: (p) => [
      { name: "rrbroker", args: ["--frontend", `tcp://*:${p(5559)}`, "--backend", `tcp://*:${p(5560)}`] },
      ...workers(2, { args: ["--connect", `tcp://localhost:${p(5560)}`] }, "rrworker"),
      { name: "rrclient", args: ["--connect", `tcp://localhost:${p(5559)}`], ends: true },
    ],
  },
  sync: {
    describe: "syncpub + 10 syncsub, 100000 updates (chapter 2)",
    parts: (p) => [
      { name: "syncpub", args: ["--bind", `tcp://*:${p(5561)}`, "--sync", `tcp://*:${p(5562)}`, "--updates", "100000"], ends: true },
      ...workers(10, { args: ["--connect", `tcp://localhost:${p(5561)}`, "--sync", `tcp://localhost:${p(5562)}`], ends: true }, "syncsub"),
    ],
  },
  lazypirate: {
    describe: "lpserver + lpclient (chapter 4)",
    parts: (p) => [
      { name: "lpserver", args: ["--bind", `tcp://*:${p(5555)}`] },
      { name: "lpclient", args: ["--connect", `tcp://localhost:${p(5555)}`], ends: true },
    ],
  },
  simplepirate: {
    describe: "spqueue + 2 spworker + lpclient (chapter 4)",
    parts: (p) => [
      { name: "spqueue", args: ["--frontend", `tcp://*:${p(5555)}`, "--backend", `tcp://*:${p(5556)}`] },
      ...workers(2, { args: ["--connect", `tcp://localhost:${p(5556)}`] }, "spworker"),
      { name: "lpclient", args: ["--connect", `tcp://localhost:${p(5555)}`], ends: true },
    ],
  },
  paranoidpirate: {
    describe: "ppqueue + 2 ppworker + lpclient (chapter 4)",
    parts: (p) => [
      { name: "ppqueue", args: ["--frontend", `tcp://*:${p(5555)}`, "--backend", `tcp://*:${p(5556)}`] },
      ...workers(2, { args: ["--connect", `tcp://localhost:${p(5556)}`] }, "ppworker"),
      { name: "lpclient", args: ["--connect", `tcp://localhost:${p(5555)}`], ends: true },
    ],
  },
  majordomo: {
    describe: "mdbroker + mdworker + mdclient (chapter 4)",
    parts: (p) => [
      { name: "mdbroker", args: ["--bind", `tcp://*:${p(5555)}`] },
      { name: "mdworker", args: ["--connect", `tcp://localhost:${p(5555)}`] },
      { name: "mdclient", args: ["--connect", `tcp://localhost:${p(5555)}`, "--requests", "10000"], ends: true },
    ],
  },
};
