// The service of the retry tests (tests/test_retry.py): one idempotent method, one that is not,
// and one that answers with a declared exception.
exception Nope {
  1: string message,
}

service Counter {
  string get(1: i32 n) (hive.idempotent),
  string put(1: i32 n),
  string fail(1: i32 n) throws (1: Nope nope) (hive.idempotent = "true"),
  string off(1: i32 n) (hive.idempotent = "false"),
}
