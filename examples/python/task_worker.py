#!/usr/bin/env python3
"""Task worker with kill signal (the brief's "Sender Receiver with Kill", the guide's
taskwork2.py, Python 3).

PULL tasks from the ventilator, sleep for the workload, PUSH the result to the sink; a
message on the controller SUB socket (any content) acts as KILL.

    python3 task_worker.py [VENT=tcp://localhost:5557] [SINK=tcp://localhost:5558] [CONTROL=tcp://localhost:5559]
"""
import sys
import time

import zmq

vent_endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://localhost:5557"
sink_endpoint = sys.argv[2] if len(sys.argv) > 2 else "tcp://localhost:5558"
control_endpoint = sys.argv[3] if len(sys.argv) > 3 else "tcp://localhost:5559"

context = zmq.Context()

# Socket to receive messages on
receiver = context.socket(zmq.PULL)
receiver.connect(vent_endpoint)

# Socket to send messages to
sender = context.socket(zmq.PUSH)
sender.connect(sink_endpoint)

# Socket for control input
controller = context.socket(zmq.SUB)
controller.connect(control_endpoint)
controller.setsockopt(zmq.SUBSCRIBE, b"")

# Process messages from receiver and controller
poller = zmq.Poller()
poller.register(receiver, zmq.POLLIN)
poller.register(controller, zmq.POLLIN)

done = 0
# Process messages from both sockets
while True:
    socks = dict(poller.poll())

    if socks.get(receiver) == zmq.POLLIN:
        message = receiver.recv()

        # Process task
        workload = int(message)  # Workload in msecs

        # Do the work
        time.sleep(workload / 1000.0)

        # Send results to sink
        sender.send(message)
        done += 1

        # Simple progress indicator for the viewer
        sys.stdout.write(".")
        sys.stdout.flush()

    # Any waiting controller command acts as 'KILL'
    if socks.get(controller) == zmq.POLLIN:
        break

print("\nworker killed after %d tasks" % done, flush=True)

# Finished
receiver.close(linger=0)
sender.close(linger=1000)
controller.close(linger=0)
context.term()
