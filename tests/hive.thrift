// The service of the hive tests (tests/hive_support.py): each instance says who it is.
service Who {
  string whoami(),
  string slow(1: double seconds),
}
