// A file included by hive.thrift, in a namespace of its own.
namespace py hive.shared

/** Why a call failed. */
exception NotFound {
  /** What was not found. */
  1: string message,
  2: i64 id,
}

/** The service every hive service extends. */
service Base {
  /** Whether the service is up. */
  bool ping(),
}
