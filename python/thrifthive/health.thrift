// The health service every thrifthive server answers, multiplexed as "thrifthive.Health"
// (thrifthive.health). Modelled on gRPC's grpc.health.v1: a status per served service, and
// the server's own under the empty name.

namespace py thrifthive.health

enum ServingStatus {
  UNKNOWN = 0,
  SERVING = 1,
  NOT_SERVING = 2,
  // check() named a service this server does not serve.
  SERVICE_UNKNOWN = 3,
}

struct HealthCheckResponse {
  1: ServingStatus status,
}

service Health {
  // The status of `service` ("" for the server as a whole).
  HealthCheckResponse check(1: string service),
  // Answers as long as the server serves: for load balancers' health checkers (Envoy's thrift
  // health checker calls a method by name and wants a reply).
  void ping(),
}
