#!/usr/bin/env python3
"""Hello World client (the brief's zmq_hello_client.py, Python 3).

REQ socket: sends 2, 3, 4, ... and prints each reply, pausing INTERVAL seconds between
requests. Stops after COUNT requests (0 = forever).

    python3 hello_client.py [ENDPOINT=tcp://localhost:5555] [COUNT=0] [INTERVAL=1]
"""
import sys
import time

import zmq

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://localhost:5555"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 0
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0

context = zmq.Context()

print("connecting to server...", flush=True)
socket = context.socket(zmq.REQ)
socket.connect(endpoint)
print("connected to server.", flush=True)

i = 1
sent = 0
while count == 0 or sent < count:
    i = i + 1
    print("send:", i, flush=True)
    socket.send(str(i).encode())

    message = socket.recv()
    print("message:", message.decode(), flush=True)
    sent += 1

    time.sleep(interval)

socket.close(linger=0)
context.term()
