"""Runs moto server on a free 127.0.0.1 port for the test harness.

Prints the port once the server answers, then serves until stdin closes (the test process
exiting closes it), so no server outlives the tests that started it.
"""
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
_, port = server.get_host_and_port()
print(port, flush=True)
sys.stdin.read()
server.stop()
