"""A stand-in in front of moto that makes every listing `admin` searches come in pages of one,
and records each of those listing requests, so a test can prove the client follows the pages.

moto pages ListUserPools and ListUserPoolClients (MaxResults/NextToken) and IAM ListRoles
(MaxItems/Marker) itself: this proxy only lowers the page size it is asked for to 1. moto
returns every identity pool and every inline policy name at once (it ignores MaxResults and
MaxItems), so ListIdentityPools and ListRolePolicies are paged here: the answer moto gives is
cut into pages of one, the NextToken / Marker being the offset of the next.

Usage: paging_proxy.py UPSTREAM LOG. Prints its port, then serves until stdin closes. LOG gets
one JSON line per listing request: {"op", "token" (sent, or null), "next" (returned, or null),
"items" (names on the page)}.
"""
import http.client
import json
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
LOG = sys.argv[2]
LOCK = threading.Lock()

# JSON operations (by X-Amz-Target suffix): the page-size field, the token field, the item
# list and each item's name field.
JSON_LISTINGS = {
    "ListUserPools": ("MaxResults", "NextToken", "UserPools", "Name"),
    "ListUserPoolClients": ("MaxResults", "NextToken", "UserPoolClients", "ClientName"),
}


def record(op, token, next_token, items):
    line = json.dumps({"op": op, "token": token, "next": next_token, "items": items})
    with LOCK, open(LOG, "a") as f:
        f.write(line + "\n")


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self, body):
        conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=30)
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
        }
        headers["Content-Length"] = str(len(body))
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, resp.getheader("Content-Type", "application/json"), data

    def answer(self, status, content_type, data):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        op = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
        if op in JSON_LISTINGS:
            size, token, key, name = JSON_LISTINGS[op]
            request = json.loads(body)
            request[size] = 1
            status, ctype, data = self.forward(json.dumps(request).encode())
            page = json.loads(data) if status == 200 else {}
            record(op, request.get(token), page.get(token), [i.get(name) for i in page.get(key, [])])
            return self.answer(status, ctype, data)
        if op == "ListIdentityPools":
            request = json.loads(body)
            status, ctype, data = self.forward(body)
            if status != 200:
                return self.answer(status, ctype, data)
            pools = json.loads(data)["IdentityPools"]
            start = int(request.get("NextToken") or 0)
            page = {"IdentityPools": pools[start : start + 1]}
            if start + 1 < len(pools):
                page["NextToken"] = str(start + 1)
            record(
                op,
                request.get("NextToken"),
                page.get("NextToken"),
                [p["IdentityPoolName"] for p in page["IdentityPools"]],
            )
            return self.answer(200, ctype, json.dumps(page).encode())
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        if form.get("Action") == ["ListRoles"]:
            form["MaxItems"] = ["1"]
            status, ctype, data = self.forward(urllib.parse.urlencode(form, doseq=True).encode())
            text = data.decode()
            marker = None
            if "<Marker>" in text:
                marker = text.split("<Marker>", 1)[1].split("</Marker>", 1)[0]
            names = [part.split("</RoleName>", 1)[0] for part in text.split("<RoleName>")[1:]]
            record("ListRoles", form.get("Marker", [None])[0], marker, names)
            return self.answer(status, ctype, data)
        if form.get("Action") == ["ListRolePolicies"]:
            status, ctype, data = self.forward(body)
            if status != 200:
                return self.answer(status, ctype, data)
            names = [e.text for e in ET.fromstring(data).iter() if e.tag.endswith("member")]
            start = int(form.get("Marker", ["0"])[0])
            page = names[start : start + 1]
            marker = str(start + 1) if start + 1 < len(names) else None
            record("ListRolePolicies", form.get("Marker", [None])[0], marker, page)
            members = "".join(f"<member>{n}</member>" for n in page)
            more = f"<IsTruncated>true</IsTruncated><Marker>{marker}</Marker>" if marker else "<IsTruncated>false</IsTruncated>"
            xml = (
                '<ListRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                f"<ListRolePoliciesResult><PolicyNames>{members}</PolicyNames>{more}"
                "</ListRolePoliciesResult><ResponseMetadata><RequestId>paged</RequestId>"
                "</ResponseMetadata></ListRolePoliciesResponse>"
            )
            return self.answer(200, "text/xml", xml.encode())
        self.answer(*self.forward(body))


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
