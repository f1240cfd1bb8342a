"""pyftpdlib as the benchmark runs it: one user, a passive range, no session limits, FTPS on request.

Usage: python3 pyftpdlib_server.py PORT ROOT PASSIVE_MIN PASSIVE_MAX [CERT_PEM KEY_PEM]
The user and password come from BENCH_USER and BENCH_PASSWORD.
"""
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    port, root, low, high = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    handler = FTPHandler
    if len(sys.argv) > 6:
        from pyftpdlib.handlers import TLS_FTPHandler
        handler = TLS_FTPHandler
        handler.certfile = sys.argv[5]
        handler.keyfile = sys.argv[6]
    authorizer = DummyAuthorizer()
    authorizer.add_user(os.environ["BENCH_USER"], os.environ["BENCH_PASSWORD"], root, perm="elradfmwMT")
    handler.authorizer = authorizer
    handler.passive_ports = range(low, high + 1)
    handler.timeout = 3600
    handler.banner = "pyftpdlib ready"
    server = FTPServer(("127.0.0.1", port), handler)
    server.max_cons = 20000
    server.max_cons_per_ip = 0
    server.serve_forever()


if __name__ == "__main__":
    main()
