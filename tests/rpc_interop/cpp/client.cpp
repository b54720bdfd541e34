// A ThriftTest client built against Apache Thrift's C++ library (Debian's libthrift-dev), for
// thrifthive's RPC interop tests: it calls a handful of methods and prints one line per call,
// which tests/rpc_interop/test_cpp_client.py checks.
//
// Usage: client PORT buffered|framed binary|compact [SERVICE_NAME]
// With SERVICE_NAME, calls go through TMultiplexedProtocol under that name.
// Exit status: 0 when every call ran (the printed values may still be wrong), 1 on an
// unexpected error, 2 on bad usage.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include <thrift/TApplicationException.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/TMultiplexedProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "ThriftTest.h"

using apache::thrift::TApplicationException;
using apache::thrift::TException;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TCompactProtocol;
using apache::thrift::protocol::TMultiplexedProtocol;
using apache::thrift::protocol::TProtocol;
using apache::thrift::transport::TBufferedTransport;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TSocket;
using apache::thrift::transport::TTransport;
using thrift::test::ThriftTestClient;
using thrift::test::Xception;
using thrift::test::Xception2;
using thrift::test::Xtruct;

// The generated code declares operator< for Insanity (a set element and map key in
// CrazyNesting) and leaves its definition to the program: order by userMap, then xtructs.
bool thrift::test::Insanity::operator<(const Insanity& other) const {
  if (userMap != other.userMap) {
    return userMap < other.userMap;
  }
  auto key = [](const Xtruct& x) {
    return std::tie(x.string_thing, x.byte_thing, x.i32_thing, x.i64_thing);
  };
  return std::lexicographical_compare(
      xtructs.begin(), xtructs.end(), other.xtructs.begin(), other.xtructs.end(),
      [&](const Xtruct& a, const Xtruct& b) { return key(a) < key(b); });
}

namespace {

std::string show(const Xtruct& x) {
  std::ostringstream out;
  out << "{" << x.string_thing << ", " << static_cast<int>(x.byte_thing) << ", " << x.i32_thing
      << ", " << x.i64_thing << "}";
  return out.str();
}

std::string show(const std::map<int32_t, int32_t>& m) {
  std::ostringstream out;
  out << "{";
  const char* sep = "";
  for (const auto& [k, v] : m) {
    out << sep << k << " => " << v;
    sep = ", ";
  }
  out << "}";
  return out.str();
}

int run(int port, const std::string& transport_name, const std::string& protocol_name,
        const std::string& service_name) {
  auto socket = std::make_shared<TSocket>("127.0.0.1", port);
  socket->setConnTimeout(5000);
  socket->setRecvTimeout(10000);
  socket->setSendTimeout(10000);
  std::shared_ptr<TTransport> transport;
  if (transport_name == "buffered") {
    transport = std::make_shared<TBufferedTransport>(socket);
  } else if (transport_name == "framed") {
    transport = std::make_shared<TFramedTransport>(socket);
  } else {
    std::cerr << "unknown transport " << transport_name << "\n";
    return 2;
  }
  std::shared_ptr<TProtocol> protocol;
  if (protocol_name == "binary") {
    protocol = std::make_shared<TBinaryProtocol>(transport);
  } else if (protocol_name == "compact") {
    protocol = std::make_shared<TCompactProtocol>(transport);
  } else {
    std::cerr << "unknown protocol " << protocol_name << "\n";
    return 2;
  }
  if (!service_name.empty()) {
    protocol = std::make_shared<TMultiplexedProtocol>(protocol, service_name);
  }
  ThriftTestClient client(protocol);
  transport->open();

  std::string s;
  client.testString(s, "Test");
  std::cout << "testString: " << s << "\n";
  client.testString(s, "ünïcödé 🐝");
  std::cout << "testString(utf-8): " << s << "\n";

  std::cout << "testI32: " << client.testI32(-1) << "\n";
  std::cout << "testI32(min): " << client.testI32(INT32_MIN) << "\n";

  Xtruct in;
  in.__set_string_thing("Zero");
  in.__set_byte_thing(1);
  in.__set_i32_thing(-3);
  in.__set_i64_thing(-5);
  Xtruct out;
  client.testStruct(out, in);
  std::cout << "testStruct: " << show(out) << (out == in ? " (equal)" : " (different)") << "\n";

  std::map<int32_t, int32_t> map_in;
  for (int32_t i = 0; i < 5; ++i) {
    map_in[i] = i - 10;
  }
  std::map<int32_t, int32_t> map_out;
  client.testMap(map_out, map_in);
  std::cout << "testMap: " << show(map_out) << "\n";

  try {
    client.testException("Xception");
    std::cout << "testException(Xception): no exception\n";
  } catch (const Xception& e) {
    std::cout << "testException(Xception): Xception(" << e.errorCode << ", " << e.message
              << ")\n";
  }
  try {
    client.testException("TException");
    std::cout << "testException(TException): no exception\n";
  } catch (const TApplicationException& e) {
    std::cout << "testException(TException): TApplicationException(" << e.getType() << ")\n";
  }
  client.testException("success");
  std::cout << "testException(success): ok\n";

  Xtruct multi;
  try {
    client.testMultiException(multi, "Xception2", "test 2");
    std::cout << "testMultiException(Xception2): no exception\n";
  } catch (const Xception2& e) {
    std::cout << "testMultiException(Xception2): Xception2(" << e.errorCode << ", "
              << show(e.struct_thing) << ")\n";
  }

  auto start = std::chrono::steady_clock::now();
  client.testOneway(1);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  std::cout << "testOneway: " << (elapsed < 250 ? "returned at once" : "waited") << "\n";
  std::cout << "testI32 after oneway: " << client.testI32(-7) << "\n";

  transport->close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: client PORT buffered|framed binary|compact [SERVICE_NAME]\n";
    return 2;
  }
  try {
    return run(std::atoi(argv[1]), argv[2], argv[3], argc == 5 ? argv[4] : "");
  } catch (const TException& e) {
    std::cerr << "unexpected error: " << e.what() << "\n";
    return 1;
  }
}
