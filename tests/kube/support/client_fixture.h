#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <memory>

#include "async_test.h"
#include "fake_clock.h"
#include "kube/client.h"
#include "test_server.h"

namespace tierguard::kube::testing {

// A Client on simulated time talking to a ScriptedPeer over plain HTTP on 127.0.0.1.
struct ClientFixture {
  boost::asio::io_context ioc;
  FakeClock clock;
  ScriptedPeer peer{ioc};

  ClientOptions options() {
    ClientOptions o;
    o.clock = &clock;
    o.random = [] { return 0.5; };  // jitter factor exactly 1
    o.logger = null_logger();
    return o;
  }

  std::unique_ptr<Client> client(ClientOptions o) {
    Config config = peer.config();
    config.credentials.bearer_token = "tok";
    return std::make_unique<Client>(ioc.get_executor(), config, std::move(o));
  }
  std::unique_ptr<Client> client() { return client(options()); }

  // Runs `work` to completion on simulated time (sleeps are skipped, not waited for).
  template <class T>
  T go(boost::asio::awaitable<T> work) {
    auto future = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
    drive(ioc, clock,
          [&] { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    return future.get();
  }

  // The Error `work` fails with (a test failure if it succeeds).
  template <class T>
  Error fails(boost::asio::awaitable<T> work) {
    try {
      go(std::move(work));
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "expected an Error";
    return Error(ErrorKind::kApi, "no error");
  }

  void expect_script_done() {
    EXPECT_EQ(peer.remaining(), 0u);
    for (const auto& failure : peer.failures()) ADD_FAILURE() << failure;
  }
};

}  // namespace tierguard::kube::testing
