#!/usr/bin/env python3
"""Task sink with kill signal (the guide's tasksink2.py, Python 3).

Binds a PULL for results; waits for the ventilator's start-of-batch "0", collects TASKS
results, then broadcasts KILL to the workers over a PUB socket.

    python3 task_sink.py [SINK=tcp://*:5558] [CONTROL=tcp://*:5559] [TASKS=100]
"""
import sys
import time

import zmq

sink_endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://*:5558"
control_endpoint = sys.argv[2] if len(sys.argv) > 2 else "tcp://*:5559"
tasks = int(sys.argv[3]) if len(sys.argv) > 3 else 100

context = zmq.Context()

# Socket to receive messages on
receiver = context.socket(zmq.PULL)
receiver.bind(sink_endpoint)

# Socket for worker control
controller = context.socket(zmq.PUB)
controller.bind(control_endpoint)
print("sink ready", flush=True)

# Wait for start of batch
receiver.recv()

# Start our clock now
tstart = time.time()

# Process the confirmations
for task_nbr in range(tasks):
    receiver.recv()
    if task_nbr % 10 == 0:
        sys.stdout.write(":")
    else:
        sys.stdout.write(".")
    sys.stdout.flush()

# Calculate and report duration of batch
tend = time.time()
tdiff = tend - tstart
total_msec = tdiff * 1000
print("\nTotal elapsed time: %d msec" % total_msec, flush=True)

# Send kill signal to workers
controller.send(b"KILL")

# Finished
receiver.close(linger=0)
controller.close(linger=1000)
context.term()
