include "includes/shared.thrift"

struct Holder {
  1: shared.SharedStrct item,
}
