"""Serves a folder over HTTP on 127.0.0.1 at a free port (printed as the first line of stdout)
until stdin closes: a stand-in for a GitHub releases page in the install script's test."""
import functools
import http.server
import sys
import threading

folder = sys.argv[1]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
handler.log_message = lambda *args: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
