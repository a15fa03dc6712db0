import test from "ava"; import { ZmqError } from "threadmq"; test("placeholder-remove", (t) => { t.is(new ZmqError("EINVAL","x").code, "EINVAL"); });
