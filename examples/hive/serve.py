"""One service of the hive in this process, until SIGTERM or SIGINT:

    python -m examples.hive.serve users  --port P --data DIR
    python -m examples.hive.serve orders --port P --data DIR --users ADDR
    python -m examples.hive.serve edge   --port P --users ADDR --orders ADDR

ADDR is a service's address: ``static://host:port,...`` or ``etcd://host:port/hive/users``.
With ``--registry etcd://host:port/hive`` the service registers itself there under its name.
Each also serves its call metrics at ``--metrics-port`` and answers the health service.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import thrifthive

from .idl import edge, orders, users


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.hive.serve")
    parser.add_argument("service", choices=["users", "orders", "edge"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--metrics-port", type=int)
    parser.add_argument("--data", type=Path, help="the directory of the SQLite databases")
    parser.add_argument("--users", help="the users service's address")
    parser.add_argument("--orders", help="the orders service's address")
    parser.add_argument("--registry", help="etcd://host:port/prefix to register in")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format=f"[{args.service}] %(message)s")

    handler: object
    if args.service == "users":
        from .users import Users

        service, handler = users.UserService, Users(args.data / "users.sqlite3")
    elif args.service == "orders":
        from .orders import Orders

        service, handler = orders.OrderService, Orders(args.data / "orders.sqlite3", args.users)
    else:
        from .edge import Edge

        service, handler = edge.Edge, Edge(args.users, args.orders)
    server = thrifthive.Server(
        service,
        handler,
        host="127.0.0.1",
        port=args.port,
        metrics_port=args.metrics_port,
        registry=args.registry,
        name=args.service,
    )
    server.serve()


if __name__ == "__main__":
    main()
