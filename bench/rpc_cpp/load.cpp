// A closed-loop load client built on Apache Thrift's C++ library (libthrift-dev): a client
// that is not thrifthive's. THREADS threads, each with its own TSocket + TBufferedTransport +
// TBinaryProtocol connection, call one method back to back for SECONDS; then one line:
//   calls=N elapsed=S calls_per_sec=X p50_us=A p90_us=B p99_us=C errors=E
//   load PORT getUserById|listUsers THREADS SECONDS [BUFFER_BYTES]
// BUFFER_BYTES sizes each connection's TBufferedTransport buffers (default 512 bytes).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "UserService.h"

using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::transport::TBufferedTransport;
using apache::thrift::transport::TSocket;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: %s PORT getUserById|listUsers THREADS SECONDS [BUFFER_BYTES]\n",
                 argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string method = argv[2];
  const int threads = std::atoi(argv[3]);
  const double seconds = std::atof(argv[4]);
  const uint32_t buffer = argc == 6 ? static_cast<uint32_t>(std::atoi(argv[5])) : 512;
  const bool list = method == "listUsers";
  if (!list && method != "getUserById") {
    std::fprintf(stderr, "unknown method %s\n", method.c_str());
    return 2;
  }
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<long> errors{0};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(seconds));
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      auto socket = std::make_shared<TSocket>("127.0.0.1", port);
      auto transport = std::make_shared<TBufferedTransport>(socket, buffer);
      bench::UserServiceClient client(std::make_shared<TBinaryProtocol>(transport));
      auto& mine = latencies[i];
      mine.reserve(1 << 20);
      try {
        transport->open();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "connect: %s\n", e.what());
        errors++;
        return;
      }
      bench::User user;
      bench::UserPage page;
      while (true) {
        const auto t0 = Clock::now();
        if (t0 >= deadline) break;
        try {
          if (list) {
            client.listUsers(page, 0, 100);
          } else {
            client.getUserById(user, 1);
          }
        } catch (const std::exception& e) {
          errors++;
          transport->close();
          try {
            transport->open();
          } catch (const std::exception&) {
            return;
          }
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      transport->close();
    });
  }
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    if (all.empty()) return 0.0;
    size_t k = static_cast<size_t>(p * static_cast<double>(all.size() - 1));
    return all[k];
  };
  std::printf("calls=%zu elapsed=%.3f calls_per_sec=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
              "errors=%ld\n",
              all.size(), elapsed, static_cast<double>(all.size()) / elapsed, pct(0.50), pct(0.90),
              pct(0.99), errors.load());
  return all.empty() ? 1 : 0;
}
