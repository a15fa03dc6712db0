#!/usr/bin/env python3
"""Weather update client (the brief's zmq_pub_client.py, Python 3).

SUB socket with a zipcode prefix filter: collects 5 updates and prints the average
temperature. (The original divided by the last loop index, 4; this divides by 5.)

    python3 weather_client.py [ENDPOINT=tcp://localhost:5556] [ZIP=10001] [UPDATES=5]
"""
import sys

import zmq

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://localhost:5556"
zip_filter = sys.argv[2] if len(sys.argv) > 2 else "10001"
updates = int(sys.argv[3]) if len(sys.argv) > 3 else 5

# Socket to talk to server
context = zmq.Context()
socket = context.socket(zmq.SUB)

print("Collecting updates from weather server...", flush=True)
socket.connect(endpoint)

# Subscribe to zipcode, default is NYC, 10001
socket.setsockopt_string(zmq.SUBSCRIBE, zip_filter)

# Process the updates
total_temp = 0
for update_nbr in range(updates):
    string = socket.recv_string()
    zipcode, temperature, relhumidity = string.split()
    print("update:", string, flush=True)
    total_temp += int(temperature)

print("Average temperature for zipcode '%s' was %dF" % (zip_filter, total_temp / updates), flush=True)

socket.close(linger=0)
context.term()
