include "does_not_exist.thrift"

struct Order {
  1: i64 id,
}
