include "cycle_c.thrift"

struct B {
  1: i32 y,
}
