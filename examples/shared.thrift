/**
 * Definitions every service of the hive shares: ids, timestamps, errors and a base service.
 */
namespace py hive.shared
namespace java com.example.hive.shared

/** Milliseconds since the Unix epoch. */
typedef i64 Timestamp

/** A problem the caller can fix: bad input. */
exception InvalidRequest {
  1: required string message,
  /** The offending field, when there is one. */
  2: optional string field,
}

/** The resource asked for does not exist. */
exception NotFound {
  1: required string message,
}

/** Every service answers these. */
service BaseService {
  /** Liveness probe: returns the service's name. */
  string ping(),

  /** Build and version information. */
  map<string, string> info(),
}
