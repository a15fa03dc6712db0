/** Every example program: --help prints its usage and exits 0; a bad option exits 2 with usage on stderr. */
import test from "ava";
import { within } from "../helpers/lines.js";
import { startExample } from "../helpers/programs.js";

const examples = [
  "hwserver", "hwclient", "version", "wuserver", "wuclient", "taskvent", "taskwork", "tasksink",
  "taskwork2", "tasksink2", "msreader", "mspoller", "rrclient", "rrworker", "rrbroker", "msgqueue",
  "wuproxy", "interrupt", "mtrelay", "syncpub", "syncsub", "psenvpub", "psenvsub", "seqpub", "seqsub",
  "nasdaqfilter", "identity", "rtreq", "rtdealer", "lbbroker", "asyncsrv", "lpclient", "lpserver",
  "spqueue", "spworker", "ppqueue", "ppworker", "mdbroker", "mdworker", "mdclient",
];

// One at a time: forty programs starting at once would starve the other test files.
for (const name of examples) {
  test.serial(`${name}: --help shows usage (exit 0), a bad option shows it on stderr (exit 2)`, async (t) => {
    const help = startExample(t, name, ["--help"]);
    const bad = startExample(t, name, ["--no-such-option"]);
    t.deepEqual(await within(help.exit, 15000, `${name} --help`), { code: 0, signal: null });
    t.regex(help.stdout.all[0]!, new RegExp(`^usage: ${name}\\b`));
    t.deepEqual(await within(bad.exit, 15000, `${name} --no-such-option`), { code: 2, signal: null });
    t.truthy(bad.stderr.all.find((line) => new RegExp(`^usage: ${name}\\b`).test(line)));
  });
}
