/**
 * Orders of the example hive: placed for a user the users service knows.
 */
include "../shared.thrift"
include "../user_service.thrift"

namespace py hive.orders

struct Order {
  1: required i64 id,
  2: required user_service.UserId user_id,
  3: required string item,
  4: i32 quantity = 1,
  5: shared.Timestamp placed_at,
}

service OrderService extends shared.BaseService {
  /** Asks the users service whether the user exists first. */
  Order placeOrder(1: user_service.UserId user_id, 2: string item, 3: i32 quantity)
    throws (1: shared.NotFound not_found, 2: shared.InvalidRequest invalid),

  list<Order> ordersOf(1: user_service.UserId user_id),
}
