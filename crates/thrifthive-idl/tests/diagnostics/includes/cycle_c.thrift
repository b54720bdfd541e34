include "../cyclic_include.thrift"

struct C {
  1: i32 z,
}
