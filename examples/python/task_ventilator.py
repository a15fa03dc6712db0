#!/usr/bin/env python3
"""Task ventilator (the guide's taskvent.py, Python 3).

Binds a PUSH socket and sends TASKS tasks (random workloads, 1-100 ms) to the workers,
after telling the sink, over a PUSH connected to it, that a batch starts ("0").
The guide waits for Enter so that the workers can connect first; --no-wait skips that
(workers that connect late simply get no tasks: PUSH load-balances over who is there).

    python3 task_ventilator.py [VENT=tcp://*:5557] [SINK=tcp://localhost:5558] [TASKS=100] [--no-wait]
"""
import random
import sys

import zmq

args = [a for a in sys.argv[1:] if not a.startswith("--")]
vent_endpoint = args[0] if len(args) > 0 else "tcp://*:5557"
sink_endpoint = args[1] if len(args) > 1 else "tcp://localhost:5558"
tasks = int(args[2]) if len(args) > 2 else 100

context = zmq.Context()

# Socket to send messages on
sender = context.socket(zmq.PUSH)
sender.bind(vent_endpoint)

# Socket with direct access to the sink: used to synchronize start of batch
sink = context.socket(zmq.PUSH)
sink.connect(sink_endpoint)

if "--no-wait" not in sys.argv:
    input("Press Enter when the workers are ready: ")
print("Sending tasks to workers...", flush=True)

# The first message is "0" and signals start of batch
sink.send(b"0")

# Initialize random number generator
random.seed()

# Send the tasks
total_msec = 0
for task_nbr in range(tasks):
    # Random workload from 1 to 100 msecs
    workload = random.randint(1, 100)
    total_msec += workload
    sender.send_string("%u" % workload)

print("Total expected cost: %s msec" % total_msec, flush=True)

# Linger until everything queued has gone out
sender.close(linger=-1)
sink.close(linger=-1)
context.term()
