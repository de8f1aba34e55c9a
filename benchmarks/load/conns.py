#!/usr/bin/env python3
"""Helpers of the load scripts (standard library only).

  conns.py hold PORT N      opens N keep-alive connections to 127.0.0.1:PORT, sends one GET /small on each
                            and reads its response, prints "held N", then keeps them idle until stdin
                            closes; prints "still open K of N" at the end (a closed one counts as lost).
  conns.py startup PORT -- CMD...
                            runs CMD, polls GET /small on 127.0.0.1:PORT every 2 ms, prints the milliseconds
                            from the start of CMD to the first 200, then stops CMD.
"""
import asyncio, os, signal, socket, subprocess, sys, time

REQ = b"GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


async def one(port):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(REQ)
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    n = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
    await r.readexactly(n)
    return r, w


async def hold(port, n):
    conns = []
    for i in range(0, n, 500):  # in batches, so the accept backlog is not overrun
        conns += await asyncio.gather(*(one(port) for _ in range(min(500, n - i))))
    print(f"held {len(conns)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    open_ = 0
    for r, w in conns:
        w.write(REQ)  # a closed connection fails here or reads EOF
        try:
            await asyncio.wait_for(w.drain(), 5)
            await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 5)
            open_ += 1
        except Exception:
            pass
        w.close()
    print(f"still open {open_} of {n}", flush=True)


def startup(port, cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while time.monotonic() - t0 < 30:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(REQ)
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        print(f"{(time.monotonic() - t0) * 1000:.0f}")
                        return
            except OSError:
                pass
            time.sleep(0.002)
        sys.exit("no 200 within 30 s")
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()


if __name__ == "__main__":
    if sys.argv[1] == "hold":
        asyncio.run(hold(int(sys.argv[2]), int(sys.argv[3])))
    elif sys.argv[1] == "startup":
        startup(int(sys.argv[2]), sys.argv[sys.argv.index("--") + 1:])
    else:
        sys.exit(__doc__)
