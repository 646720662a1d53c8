#pragma once

// One server thread's share of the work: its own io_context (run by exactly that thread, so
// sessions on it need no strand), the sessions it owns, and the decode scratch memory they
// share. Internal to server.cc and session.cc.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <unordered_set>

#include "webhook/admission_decoder.h"

namespace tierguard::webhook {

class Session;

struct ServerWorker {
  ServerWorker() = default;
  ServerWorker(const ServerWorker&) = delete;
  ServerWorker& operator=(const ServerWorker&) = delete;

  // Declared before io_context: destroyed after it, so sessions destroyed with pending
  // handlers can still unregister themselves.
  std::unordered_set<Session*> sessions;
  AdmissionReviewDecoder decoder;
  bool draining = false;

  boost::asio::io_context io_context{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      work_guard{io_context.get_executor()};
  boost::asio::steady_timer drain_deadline{io_context};
};

}  // namespace tierguard::webhook
