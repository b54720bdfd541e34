/**
 * The edge of the example hive: what an application calls; it calls the users and orders
 * services, both at once where it can.
 */
include "../shared.thrift"
include "../user_service.thrift"
include "orders.thrift"

namespace py hive.edge

struct Profile {
  1: required user_service.User user,
  2: list<orders.Order> orders = [],
}

service Edge extends shared.BaseService {
  user_service.UserId signUp(1: string username, 2: string email)
    throws (1: shared.InvalidRequest invalid),

  orders.Order buy(1: user_service.UserId user_id, 2: string item, 3: i32 quantity)
    throws (1: shared.NotFound not_found, 2: shared.InvalidRequest invalid),

  /** The user and their orders, asked of both services at once. */
  Profile profile(1: user_service.UserId user_id) throws (1: shared.NotFound not_found),
}
