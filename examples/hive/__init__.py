"""The example hive: a users service storing in SQLite, an orders service that calls it, and an
edge that calls both (edge.thrift, orders.thrift, ../user_service.thrift). ``python -m
examples.hive`` starts them, runs a scripted session and stops them; see __main__.py."""
