#!/usr/bin/env python3
"""A flood of sign-ins against att-serve on 127.0.0.1, for the fault test and `make bench`.

CLIENTS threads sign in as fast as they are answered, for SECONDS, each from addresses of its own in
127.0.0.0/8 and with made-up names, so that neither the per-address nor the per-account limit stops
them. Prints "started" when they run, then one JSON line: the answers by status. With --probe, also
asks /healthz every 50 ms meanwhile and adds its latencies (ms) to the line.

usage: signin-flood.py PORT SECONDS CLIENTS [--probe]
"""
import http.client, json, sys, threading, time, urllib.parse, uuid

port, seconds, clients = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
probe = "--probe" in sys.argv[4:]
stop = time.time() + seconds
statuses, lock = {}, threading.Lock()


def client(i):
    n = 0
    while time.time() < stop:
        source = "127.%d.%d.%d" % (1 + i, n // 250 % 250, 1 + n % 250)
        n += 1
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
            c.request("GET", "/login")
            r = c.getresponse()
            r.read()
            csrf = r.getheader("Set-Cookie").split("att_csrf=")[1].split(";")[0]
            form = urllib.parse.urlencode(
                {"name": "u" + uuid.uuid4().hex[:10], "password": "guess-" + uuid.uuid4().hex, "csrf": csrf})
            c.request("POST", "/login", body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": "att_csrf=" + csrf})
            r = c.getresponse()
            r.read()
            c.close()
            status = str(r.status)
        except Exception as e:  # counted, not raised: a refused connection is an answer too
            status = type(e).__name__
        with lock:
            statuses[status] = statuses.get(status, 0) + 1


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
print("started", flush=True)
latencies = []
while probe and time.time() < stop - 0.5:
    start = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/healthz")
    c.getresponse().read()
    c.close()
    latencies.append((time.perf_counter() - start) * 1000)
    time.sleep(0.05)
for t in threads:
    t.join()
result = {"answers": statuses}
if probe:
    result["healthz_ms"] = latencies
print(json.dumps(result), flush=True)
