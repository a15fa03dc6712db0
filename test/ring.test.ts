import test from "ava";
import { LARGE_MARKER, SpscRing, recordBytes } from "threadmq/internal/spsc-ring";
import { prng } from "./fixtures/pipe-helpers.js";

const HEADER = 320; // layout.HEADER_BYTES: five cache lines

function makeRing(size: number, start = 0): { producer: SpscRing; consumer: SpscRing; i32: Int32Array } {
  const sab = new SharedArrayBuffer(HEADER + size);
  const i32 = new Int32Array(sab);
  // H_WRITE, H_READ, H_MSGS_READ: start the free-running counters wherever asked.
  i32[0] = start | 0;
  i32[16] = start | 0;
  i32[17] = start | 0;
  return { producer: new SpscRing(sab, 0, HEADER, size), consumer: new SpscRing(sab, 0, HEADER, size), i32 };
}

function randomMessage(rnd: () => number, maxRecord: number): Buffer[] {
  for (;;) {
    const frames: Buffer[] = [];
    const n = Math.floor(rnd() * 5);
    for (let i = 0; i < n; i++) {
      const len = rnd() < 0.2 ? 0 : Math.floor(rnd() * (maxRecord / 2));
      const b = Buffer.allocUnsafe(len);
      for (let k = 0; k < len; k++) b[k] = Math.floor(rnd() * 256);
      frames.push(b);
    }
    if (recordBytes(frames) <= maxRecord) return frames;
  }
}

function same(t: import("ava").ExecutionContext, got: Buffer[], want: Buffer[]): void {
  t.is(got.length, want.length);
  for (let i = 0; i < want.length; i++) t.true(want[i]!.equals(got[i]!), `frame ${i}`);
}

for (const size of [64, 256, 1024, 4096]) {
  for (const start of [0, 0xffffff00]) {
    test(`random traffic keeps order and content (ring ${size} B, counters from ${start.toString(16)})`, (t) => {
      const { producer, consumer } = makeRing(size, start);
      const rnd = prng(size + start);
      const queue: Buffer[][] = [];
      let written = 0;
      let read = 0;
      let refused = 0;
      for (let step = 0; step < 20_000; step++) {
        if (rnd() < 0.55) {
          const m = randomMessage(rnd, size / 2);
          if (producer.tryWrite(m)) {
            queue.push(m);
            written++;
          } else {
            refused++;
          }
        } else {
          const got = consumer.read();
          if (queue.length === 0) {
            t.is(got, undefined);
            continue;
          }
          t.not(got, undefined);
          t.not(got, LARGE_MARKER);
          same(t, got as Buffer[], queue.shift()!);
          read++;
        }
      }
      for (let got = consumer.read(); got !== undefined; got = consumer.read()) {
        same(t, got as Buffer[], queue.shift()!);
        read++;
      }
      t.is(queue.length, 0);
      t.is(read, written);
      t.is(producer.loadMessagesRead(), (start + read) | 0);
      t.true(refused > 0, "the ring should have been full sometimes");
      t.true(consumer.isEmpty());
    });
  }
}

test("empty frames and zero-frame messages survive", (t) => {
  const { producer, consumer } = makeRing(256);
  const msgs = [[], [Buffer.alloc(0)], [Buffer.alloc(0), Buffer.from("x"), Buffer.alloc(0)], [Buffer.from("abc")]];
  for (const m of msgs) t.true(producer.tryWrite(m));
  for (const m of msgs) same(t, consumer.read() as Buffer[], m);
  t.is(consumer.read(), undefined);
});

test("a full ring refuses, then accepts once the reader frees room", (t) => {
  const { producer, consumer } = makeRing(256);
  const m = [Buffer.alloc(50, 1)]; // 8 + 4 + 52 = 64 bytes
  t.is(recordBytes(m), 64);
  for (let i = 0; i < 4; i++) t.true(producer.tryWrite(m));
  t.false(producer.tryWrite(m));
  t.false(producer.tryWrite([Buffer.alloc(300)]), "larger than the ring never fits");
  same(t, consumer.read() as Buffer[], m);
  t.true(producer.tryWrite(m));
  let n = 0;
  while (consumer.read() !== undefined) n++;
  t.is(n, 4);
});

test("records never straddle the end: wrap marker then record at the start", (t) => {
  const { producer, consumer } = makeRing(256);
  const a = [Buffer.alloc(100, 1)]; // 112 bytes
  t.true(producer.tryWrite(a));
  t.true(producer.tryWrite(a)); // 224 used, 32 tail left
  same(t, consumer.read() as Buffer[], a);
  // 112 does not fit in the 32-byte tail: marker at 224, record at 0 (needs 144 free).
  t.true(producer.tryWrite(a));
  same(t, consumer.read() as Buffer[], a);
  same(t, consumer.read() as Buffer[], a);
  t.is(consumer.read(), undefined);
});

test("large markers keep their place", (t) => {
  const { producer, consumer } = makeRing(256);
  t.true(producer.tryWrite([Buffer.from("a")]));
  t.true(producer.tryWriteMarker());
  t.true(producer.tryWrite([Buffer.from("b")]));
  same(t, consumer.read() as Buffer[], [Buffer.from("a")]);
  t.is(consumer.read(), LARGE_MARKER);
  same(t, consumer.read() as Buffer[], [Buffer.from("b")]);
});

test("copied-out frames do not alias the ring", (t) => {
  const { producer, consumer } = makeRing(256);
  producer.tryWrite([Buffer.from("hello world, this is longer than 32 bytes!!")]);
  const [got] = consumer.read() as Buffer[];
  for (let i = 0; i < 10; i++) producer.tryWrite([Buffer.alloc(40, 0xee)]) || consumer.read();
  t.is(got!.toString(), "hello world, this is longer than 32 bytes!!");
  t.false(got!.buffer instanceof SharedArrayBuffer);
});

test("wake flags: one claim per arming, only the owner clears", (t) => {
  const { producer, consumer } = makeRing(256);
  t.false(producer.readerAsleep());
  consumer.setAsleep();
  t.true(producer.readerAsleep());
  t.true(producer.claimReaderWake());
  t.false(producer.claimReaderWake(), "a second wake for the same sleep is never sent");
  t.false(consumer.cancelAsleep(), "the consumer cannot take back a claimed flag");
  t.true(consumer.ackReaderWake());
  t.false(producer.readerAsleep());
  consumer.setAsleep();
  t.true(consumer.cancelAsleep());
  t.false(producer.claimReaderWake());

  t.is(producer.armWriterWait(2), "armed");
  producer.tryWrite([Buffer.from("1")]);
  producer.tryWrite([Buffer.from("2")]);
  consumer.read();
  t.false(consumer.claimWriterWake(), "target not reached after one read");
  consumer.read();
  t.true(consumer.claimWriterWake());
  t.false(consumer.claimWriterWake());
  t.true(producer.ackWriterWake());
  t.is(producer.armWriterWait(2), "reached", "an already reached target is reported, not waited for");
  t.is(producer.writerWaitState(), 0);
});
