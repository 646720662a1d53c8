#include "kube/watch_decoder.h"

#include <gtest/gtest.h>

#include <random>

#include "kube/error.h"
#include "kube/json.h"

namespace tierguard::kube {
namespace {

const std::string kAdded =
    R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"10"}}})"
    "\n";
const std::string kDeleted =
    R"({"type":"DELETED","object":{"metadata":{"name":"b","resourceVersion":"11"}}})"
    "\n";
const std::string kBookmark =
    R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}})"
    "\n";

TEST(WatchDecoder, EventsSplitAtEveryPossibleBoundary) {
  const std::string stream = kAdded + kDeleted + kBookmark;
  for (std::size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
    for (std::size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 7) {
      WatchDecoder decoder(1 << 20);
      std::deque<WatchEvent> out;
      decoder.feed(std::string_view(stream).substr(0, cut1), out);
      decoder.feed(std::string_view(stream).substr(cut1, cut2 - cut1), out);
      decoder.feed(std::string_view(stream).substr(cut2), out);
      decoder.finish(out);
      ASSERT_EQ(out.size(), 3u) << cut1 << "," << cut2;
      EXPECT_EQ(out[0].type, WatchEventType::kAdded);
      EXPECT_EQ(object_name(out[0].object), "a");
      EXPECT_EQ(out[1].type, WatchEventType::kDeleted);
      EXPECT_EQ(object_resource_version(out[1].object), "11");
      EXPECT_EQ(out[2].type, WatchEventType::kBookmark);
      EXPECT_EQ(object_resource_version(out[2].object), "12");
    }
  }
}

TEST(WatchDecoder, ToleratesBlankLinesCrLfAndMissingFinalNewline) {
  WatchDecoder decoder(1 << 20);
  std::deque<WatchEvent> out;
  std::string last = kBookmark;
  last.pop_back();
  decoder.feed("\n\r\n" + kAdded.substr(0, kAdded.size() - 1) + "\r\n" + last, out);
  EXPECT_EQ(out.size(), 1u);
  decoder.finish(out);
  EXPECT_EQ(out.size(), 2u);
}

TEST(WatchDecoder, ErrorEventCarriesStatus) {
  WatchDecoder decoder(1 << 20);
  std::deque<WatchEvent> out;
  decoder.feed(
      R"json({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 1 (50)"}})json"
      "\n",
      out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, WatchEventType::kError);
  EXPECT_EQ(string_at(out[0].object, {"reason"}), "Expired");
}

TEST(WatchDecoder, OversizedEventIsATypedErrorBeforeItIsBuffered) {
  WatchDecoder decoder(100);
  std::deque<WatchEvent> out;
  decoder.feed(std::string(60, 'x'), out);
  try {
    decoder.feed(std::string(60, 'x'), out);  // no newline yet: 120 > 100
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTooLarge);
  }
  EXPECT_LE(decoder.buffered(), 100u);
}

TEST(WatchDecoder, GarbageIsADecodeError) {
  for (const std::string& bad :
       {std::string("not json\n"), std::string("[1,2]\n"), std::string("{\"object\":{}}\n"),
        std::string("{\"type\":\"ADDED\"}\n"), std::string("{\"type\":\"ADDED\",\"object\":3}\n"),
        std::string("{\"type\":\"EXPLODED\",\"object\":{}}\n"), std::string(2000, '[') + "\n"}) {
    WatchDecoder decoder(1 << 20);
    std::deque<WatchEvent> out;
    try {
      decoder.feed(bad, out);
      FAIL() << bad.substr(0, 40);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kDecode) << e.what();
      EXPECT_TRUE(std::string(e.what()).starts_with("decode event: ")) << e.what();
    }
  }
}

TEST(WatchDecoder, TruncatedFinalEventIsReported) {
  WatchDecoder decoder(1 << 20);
  std::deque<WatchEvent> out;
  decoder.feed(kAdded + kDeleted.substr(0, 20), out);
  EXPECT_EQ(out.size(), 1u);
  try {
    decoder.finish(out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
  }
}

}  // namespace
}  // namespace tierguard::kube

namespace tierguard::kube {
namespace {

// Deterministic fuzzing: mutated event streams fed in random pieces either decode or fail
// with a typed error; memory stays within the event limit.
TEST(WatchDecoder, MutatedStreamsNeverCrash) {
  const std::string seed = kAdded + kDeleted + kBookmark +
                           R"({"type":"ERROR","object":{"kind":"Status","code":410}})" "\n";
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string input = seed;
    const int mutations = 1 + static_cast<int>(rng() % 8);
    for (int m = 0; m < mutations; ++m) {
      const std::size_t at = rng() % input.size();
      switch (rng() % 4) {
        case 0: input[at] = static_cast<char>(rng() % 256); break;
        case 1: input.erase(at, 1 + rng() % 16); break;
        case 2: input.insert(at, std::string(1 + rng() % 4, "{}[]\":,\n\\"[rng() % 10])); break;
        default: input.insert(at, input.substr(rng() % input.size(), rng() % 40)); break;
      }
      if (input.empty()) input = "\n";
    }
    WatchDecoder decoder(256);
    std::deque<WatchEvent> out;
    try {
      std::size_t pos = 0;
      while (pos < input.size()) {
        const std::size_t n = 1 + rng() % 64;
        decoder.feed(std::string_view(input).substr(pos, n), out);
        EXPECT_LE(decoder.buffered(), 256u);
        pos += n;
      }
      decoder.finish(out);
    } catch (const Error& e) {
      EXPECT_TRUE(e.kind() == ErrorKind::kDecode || e.kind() == ErrorKind::kTooLarge) << e.what();
    }
    for (const auto& event : out) EXPECT_TRUE(event.object.IsObject());
  }
}

}  // namespace
}  // namespace tierguard::kube
