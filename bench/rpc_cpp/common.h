// Shared by the RPC benchmark's C++ server and load client (built by bench/rpc/cpp.py against
// code that `thrift --gen cpp` writes into a temporary directory).
#pragma once

#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "bench_types.h"

// The workload's UserPage, read from a file of its binary-protocol encoding (written by the
// benchmark from bench/workload.py, so every server returns the same data).
inline bench::UserPage read_page(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>(
      reinterpret_cast<uint8_t*>(data.data()), static_cast<uint32_t>(data.size()));
  apache::thrift::protocol::TBinaryProtocol protocol(buffer);
  bench::UserPage page;
  page.read(&protocol);
  return page;
}
