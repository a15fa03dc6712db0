#!/usr/bin/env python3
"""Two-publisher filter (the brief's filter example, Python 3).

A SUB socket connected to two remote publishers keeps only the messages that start with
the topic (default "NASDAQ") and republishes them to local subscribers on a PUB socket
bound to an ipc endpoint. Runs forever, or until it has forwarded COUNT messages.

    python3 nasdaq_filter.py [OUT=ipc://nasdaq-feed] [IN1=tcp://localhost:5556] [IN2=tcp://localhost:7721] [TOPIC=NASDAQ] [COUNT=0]

(The brief connects to two remote hosts; the defaults here are local.)
"""
import sys

import zmq

out_endpoint = sys.argv[1] if len(sys.argv) > 1 else "ipc://nasdaq-feed"
in1 = sys.argv[2] if len(sys.argv) > 2 else "tcp://localhost:5556"
in2 = sys.argv[3] if len(sys.argv) > 3 else "tcp://localhost:7721"
topic = sys.argv[4] if len(sys.argv) > 4 else "NASDAQ"
count = int(sys.argv[5]) if len(sys.argv) > 5 else 0

context = zmq.Context()

subscriber = context.socket(zmq.SUB)
subscriber.connect(in1)
subscriber.connect(in2)
subscriber.setsockopt_string(zmq.SUBSCRIBE, topic)

publisher = context.socket(zmq.PUB)
publisher.bind(out_endpoint)
print("filtering", topic, "from", in1, "and", in2, "to", out_endpoint, flush=True)

forwarded = 0
while count == 0 or forwarded < count:
    message = subscriber.recv_multipart()
    publisher.send_multipart(message)
    forwarded += 1

subscriber.close(linger=0)
publisher.close(linger=1000)
context.term()
