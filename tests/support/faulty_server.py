"""A server that misbehaves in one way, for the tests of network faults (tests/cli/network.rs).

Usage: faulty_server.py MODE. Listens on a free 127.0.0.1 port, prints it, and answers every
request (whatever its path: AWS JSON, STS's query protocol or OAuth) the way MODE says, until
stdin closes (the test process exiting closes it):

  hold       reads the request and never answers, holding the connection open (a black hole
             past the firewall: the connection is made, nothing comes back)
  html500    HTTP 500 with an HTML page, as a proxy or load balancer in front of a service sends
  garbage200 HTTP 200 whose body is not JSON
  truncated  HTTP 200 announcing a 400-byte JSON body, sending 30 bytes, then closing
  close      reads the request and closes the connection without a byte of answer
  reset      reads the request and resets the connection (TCP RST)

Raw sockets rather than http.server, which always sends a whole, well-formed answer.
"""
import socket
import struct
import sys
import threading

MODE = sys.argv[1]
MODES = {"hold", "html500", "garbage200", "truncated", "close", "reset"}
if MODE not in MODES:
    sys.exit(f"unknown mode {MODE}; one of {sorted(MODES)}")

held = []  # connections kept open by `hold`, so they are never closed by the collector


def read_request(conn):
    """Reads the head and the body its Content-Length announces."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        body += chunk
    return True


def respond(status, content_type, body, length=None):
    length = len(body) if length is None else length
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode() + body


def serve(conn):
    try:
        if not read_request(conn):
            conn.close()
            return
        if MODE == "hold":
            held.append(conn)
            return
        if MODE == "html500":
            page = b"<html>\n<head><title>500 Internal Server Error</title></head>\n<body>\n<h1>Internal Server Error</h1>\n</body>\n</html>\n"
            conn.sendall(respond("500 Internal Server Error", "text/html", page))
        elif MODE == "garbage200":
            conn.sendall(respond("200 OK", "application/x-amz-json-1.1", b"\x00\x01 this is not json {{{"))
        elif MODE == "truncated":
            conn.sendall(respond("200 OK", "application/x-amz-json-1.1", b'{"IdentityId": "us-east-1:abc', length=400))
        elif MODE == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
    except OSError:
        conn.close()


def accept(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)
threading.Thread(target=accept, args=(listener,), daemon=True).start()
sys.stdin.read()
