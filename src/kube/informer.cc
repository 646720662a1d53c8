#include "kube/informer.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

namespace tierguard::kube {

// Tracks the first init_done on its way to the real sink.
class SyncTracker final : public ObjectSink {
 public:
  SyncTracker(ObjectSink& sink, std::atomic<bool>& synced) : sink_(sink), synced_(synced) {}
  void init_start() override { sink_.init_start(); }
  void init_apply(const rapidjson::Value& object) override { sink_.init_apply(object); }
  void init_done() override {
    sink_.init_done();
    synced_.store(true, std::memory_order_release);
  }
  void apply(const rapidjson::Value& object) override { sink_.apply(object); }
  void remove(const rapidjson::Value& object) override { sink_.remove(object); }

 private:
  ObjectSink& sink_;
  std::atomic<bool>& synced_;
};

// Shared with the running coroutine so that destroying the Informer mid-flight is safe.
struct Informer::State {
  State(Client& c, ResourceType t, ObjectSink& s, WatcherConfig config)
      : client(c), watcher(c, std::move(t), std::move(config)), tracker(s, synced) {
    watcher.on_error([this](const Error& e) {
      {
        std::lock_guard lock(mutex);
        last_error = e.what();
      }
      client.logger()(LogLevel::kWarning, e.what());
    });
  }

  Client& client;
  std::atomic<bool> synced{false};
  std::atomic<bool> running{false};
  Watcher watcher;
  SyncTracker tracker;
  boost::asio::cancellation_signal cancel;
  mutable std::mutex mutex;
  std::optional<std::string> last_error;
};

namespace {

boost::asio::awaitable<void> run_state(std::shared_ptr<void> keep_alive, Watcher& watcher,
                                       ObjectSink& sink) {
  (void)keep_alive;
  co_await watcher.run(sink);
}

}  // namespace

Informer::Informer(Client& client, ResourceType type, ObjectSink& sink, WatcherConfig config)
    : state_(std::make_shared<State>(client, std::move(type), sink, std::move(config))) {}

Informer::~Informer() {
  stop();
}

void Informer::start() {
  if (state_->running.exchange(true)) return;
  std::shared_ptr<State> state = state_;
  boost::asio::co_spawn(
      state->client.executor(), run_state(state, state->watcher, state->tracker),
      boost::asio::bind_cancellation_slot(state->cancel.slot(), [state](std::exception_ptr error) {
        state->running = false;
        if (!error) return;
        try {
          std::rethrow_exception(error);
        } catch (const Error& e) {
          if (e.kind() != ErrorKind::kCancelled) {
            state->client.logger()(LogLevel::kError, std::string("informer stopped: ") + e.what());
          }
        } catch (const std::exception& e) {
          state->client.logger()(LogLevel::kError, std::string("informer stopped: ") + e.what());
        }
      }));
}

void Informer::stop() {
  if (!state_->running.load()) return;
  std::weak_ptr<State> weak = state_;
  boost::asio::post(state_->client.executor(), [weak] {
    if (auto state = weak.lock()) state->cancel.emit(boost::asio::cancellation_type::terminal);
  });
}

boost::asio::awaitable<void> Informer::run() {
  co_await state_->watcher.run(state_->tracker);
}

bool Informer::has_synced() const {
  return state_->synced.load(std::memory_order_acquire);
}

bool Informer::running() const {
  return state_->running.load();
}

std::optional<std::string> Informer::last_error() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_error;
}

const ResourceType& Informer::type() const {
  return state_->watcher.type();
}

bool all_synced(std::span<const Informer* const> informers) {
  for (const Informer* informer : informers) {
    if (!informer->has_synced()) return false;
  }
  return true;
}

boost::asio::awaitable<bool> wait_for_sync(std::span<const Informer* const> informers,
                                           Clock& clock, std::chrono::milliseconds timeout) {
  constexpr auto kPoll = std::chrono::milliseconds(100);
  const auto deadline = clock.now() + timeout;
  while (!all_synced(informers)) {
    if (clock.now() >= deadline) co_return false;
    try {
      co_await clock.sleep(kPoll);
    } catch (...) {
      rethrow_with_context("waiting for informers to sync", ErrorKind::kCancelled);
    }
  }
  co_return true;
}

}  // namespace tierguard::kube
