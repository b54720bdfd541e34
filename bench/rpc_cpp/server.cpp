// Apache Thrift's C++ TThreadedServer (libthrift-dev) serving the RPC benchmark's replies:
// getUserById returns the page's first User, listUsers the page of 100 Users.
//   server PORT PAGE_FILE [BUFFER_BYTES]
// Buffered transport, binary protocol, 127.0.0.1 only; runs until killed. TBufferedTransport's
// buffers are 512 bytes by default (a 39 KB page goes out in about 80 writes); BUFFER_BYTES
// gives each connection buffers of that size instead.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TServerSocket.h>

#include "UserService.h"
#include "common.h"

using apache::thrift::protocol::TBinaryProtocolFactory;
using apache::thrift::server::TThreadedServer;
using apache::thrift::transport::TBufferedTransportFactory;
using apache::thrift::transport::TBufferedTransport;
using apache::thrift::transport::TServerSocket;
using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportFactory;

class SizedBufferedTransportFactory : public TTransportFactory {
 public:
  explicit SizedBufferedTransportFactory(uint32_t size) : size_(size) {}
  std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> trans) override {
    return std::make_shared<TBufferedTransport>(trans, size_);
  }

 private:
  uint32_t size_;
};

class Handler : public bench::UserServiceIf {
 public:
  explicit Handler(bench::UserPage page) : page_(std::move(page)) {}
  void ping() override {}
  void getUserById(bench::User& out, const int64_t) override { out = page_.users.at(0); }
  void createUser(bench::User& out, const bench::User& user) override { out = user; }
  void listUsers(bench::UserPage& out, const int32_t, const int32_t) override { out = page_; }
  void echoBinary(std::string& out, const std::string& data) override { out = data; }

 private:
  bench::UserPage page_;
};

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s PORT PAGE_FILE [BUFFER_BYTES]\n", argv[0]);
    return 2;
  }
  auto handler = std::make_shared<Handler>(read_page(argv[2]));
  std::shared_ptr<TTransportFactory> transports;
  if (argc == 4) {
    transports = std::make_shared<SizedBufferedTransportFactory>(std::atoi(argv[3]));
  } else {
    transports = std::make_shared<TBufferedTransportFactory>();
  }
  TThreadedServer server(std::make_shared<bench::UserServiceProcessor>(handler),
                         std::make_shared<TServerSocket>("127.0.0.1", std::atoi(argv[1])),
                         transports, std::make_shared<TBinaryProtocolFactory>());
  server.serve();
  return 0;
}
