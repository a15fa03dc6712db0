#!/usr/bin/env python3
"""Hello World server (the brief's zmq_hello_server.py, Python 3).

REP socket: echoes every request back. Serves forever, or COUNT requests then exits.

    python3 hello_server.py [ENDPOINT=tcp://*:5555] [COUNT=0 (forever)]
"""
import sys

import zmq

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://*:5555"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 0

context = zmq.Context()

print("starting server...", flush=True)
socket = context.socket(zmq.REP)
socket.bind(endpoint)
print("server started.", flush=True)

served = 0
while count == 0 or served < count:
    print("waiting for data...", flush=True)
    message = socket.recv()
    print("recv:", message.decode(), flush=True)

    print("send:", message.decode(), flush=True)
    socket.send(message)
    served += 1

socket.close(linger=1000)
context.term()
