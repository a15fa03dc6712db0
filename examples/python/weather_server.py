#!/usr/bin/env python3
"""Weather update server (the brief's zmq_pub_server.py, Python 3).

PUB socket: publishes random "zipcode temperature relhumidity" updates forever, or COUNT of
them then exits.

    python3 weather_server.py [ENDPOINT=tcp://*:5556] [COUNT=0 (forever)]
"""
import sys
from random import randrange

import zmq

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://*:5556"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 0

context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.bind(endpoint)
print("publishing on", endpoint, flush=True)

sent = 0
while count == 0 or sent < count:
    zipcode = randrange(1, 100000)
    temperature = randrange(1, 215) - 80
    relhumidity = randrange(1, 50) + 10

    socket.send_string("%d %d %d" % (zipcode, temperature, relhumidity))
    sent += 1

socket.close(linger=1000)
context.term()
