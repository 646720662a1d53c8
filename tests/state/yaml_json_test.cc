// YAML → JSON as kubectl does it (sigs.k8s.io/yaml over go-yaml v2: YAML 1.1 plain scalars).
#include "state/yaml_json.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::contains;
using testing::error_of;
using testing::parse_json;
using testing::to_json;

// The single document `yaml` converts to, as compact JSON.
std::string one(std::string_view yaml, const YamlLimits& limits = {}) {
  const auto docs = yaml_to_json(yaml, limits);
  EXPECT_EQ(docs.size(), 1u) << yaml;
  return docs.empty() ? "" : to_json(docs[0]);
}

// The JSON of "v: SCALAR".
std::string scalar(std::string_view text) { return one("v: " + std::string(text)); }

TEST(YamlToJson, Yaml11Booleans) {
  for (const char* t : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
    EXPECT_EQ(scalar(t), "{\"v\":true}") << t;
  for (const char* f : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
    EXPECT_EQ(scalar(f), "{\"v\":false}") << f;
  // Other spellings are strings.
  for (const char* s : {"yEs", "tRUE", "oN", "enabled"}) EXPECT_EQ(scalar(s), "{\"v\":\"" + std::string(s) + "\"}") << s;
}

TEST(YamlToJson, Nulls) {
  for (const char* n : {"~", "null", "Null", "NULL", ""}) EXPECT_EQ(scalar(n), "{\"v\":null}") << n;
  EXPECT_EQ(one("v:\n"), "{\"v\":null}");
  EXPECT_EQ(scalar("nULL"), "{\"v\":\"nULL\"}");
}

TEST(YamlToJson, Integers) {
  struct Case {
    const char* yaml;
    const char* json;
  };
  const Case cases[] = {
      {"0", "0"},
      {"42", "42"},
      {"-7", "-7"},
      {"+7", "7"},
      {"0x1F", "31"},
      {"0X1f", "31"},
      {"-0x10", "-16"},
      {"0o17", "15"},
      {"017", "15"},
      {"0755", "493"},
      {"0b101", "5"},
      {"-0b11", "-3"},
      {"1_000", "1000"},
      {"0x_ff", "255"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"18446744073709551615", "18446744073709551615"},
  };
  for (const auto& c : cases) EXPECT_EQ(scalar(c.yaml), std::string("{\"v\":") + c.json + "}") << c.yaml;
}

TEST(YamlToJson, Floats) {
  EXPECT_EQ(scalar("1.5"), "{\"v\":1.5}");
  EXPECT_EQ(scalar("-0.25"), "{\"v\":-0.25}");
  EXPECT_EQ(scalar(".5"), "{\"v\":0.5}");
  EXPECT_EQ(scalar("2.5e-3"), "{\"v\":0.0025}");
  // Whole numbers written as floats come out as integers, as Go prints float64 (kubectl).
  EXPECT_EQ(scalar("1e3"), "{\"v\":1000}");
  EXPECT_EQ(scalar("1."), "{\"v\":1}");
  EXPECT_EQ(scalar("10.0"), "{\"v\":10}");
  EXPECT_EQ(scalar("09"), "{\"v\":9}");  // not octal: a float in YAML 1.1
  // Beyond int64: stays a double.
  const auto big = parse_json(scalar("18446744073709551616"));
  ASSERT_TRUE(big["v"].IsDouble());
  EXPECT_DOUBLE_EQ(big["v"].GetDouble(), 18446744073709551616.0);
}

TEST(YamlToJson, WholeFloatsReadAsIntegers) {
  const auto doc = parse_json(one("rank: 1e2\nreplicas: 3.0\n"));
  EXPECT_TRUE(doc["rank"].IsInt64());
  EXPECT_EQ(doc["rank"].GetInt64(), 100);
  EXPECT_EQ(doc["replicas"].GetInt64(), 3);
}

TEST(YamlToJson, NotNumbers) {
  for (const char* s : {"0x", "1.2.3", "1e", "+", "12abc", "0b2", "0o8", "2024-01-01", "1:30", "v1.2"}) {
    const auto doc = parse_json(scalar(s));
    ASSERT_TRUE(doc["v"].IsString()) << s << " → " << to_json(doc);
  }
  EXPECT_EQ(scalar("1_"), "{\"v\":1}");  // underscores are dropped before parsing, as go-yaml does
}

TEST(YamlToJson, QuotedAndTaggedScalarsStayStrings) {
  EXPECT_EQ(one("a: \"yes\"\nb: '0x10'\nc: \"~\"\nd: '123'\ne: \"\"\nf: !!str 12\ng: !!str true\n"),
            "{\"a\":\"yes\",\"b\":\"0x10\",\"c\":\"~\",\"d\":\"123\",\"e\":\"\",\"f\":\"12\",\"g\":\"true\"}");
  EXPECT_EQ(one("a: |\n  yes\nb: >\n  42\n"), "{\"a\":\"yes\\n\",\"b\":\"42\\n\"}");
}

TEST(YamlToJson, ExplicitTags) {
  EXPECT_EQ(one("a: !!int 0x10\nb: !!bool yes\nc: !!null ''\nd: !!float 2\n"),
            "{\"a\":16,\"b\":true,\"c\":null,\"d\":2}");
  EXPECT_TRUE(contains(error_of<YamlError>([] { yaml_to_json("a: !!int abc\n"); }), "unsupported tag"));
  EXPECT_TRUE(contains(error_of<YamlError>([] { yaml_to_json("a: !custom 1\n"); }), "unsupported tag !custom"));
}

TEST(YamlToJson, InfinityAndNanAreErrors) {
  for (const char* s : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
                        ".NaN", ".NAN"}) {
    const auto message = error_of<YamlError>([&] { yaml_to_json("v: " + std::string(s) + "\n"); });
    EXPECT_TRUE(contains(message, "JSON cannot hold " + std::string(s))) << message;
    EXPECT_TRUE(contains(message, "line 1, column 4")) << message;
  }
  EXPECT_TRUE(contains(error_of<YamlError>([] { yaml_to_json("v: 1e999\n"); }), "number out of range"));
  EXPECT_TRUE(contains(error_of<YamlError>([] { yaml_to_json("v: !!float 1e999\n"); }), "number out of range"));
  // Quoted, they are strings.
  EXPECT_EQ(one("v: \".inf\"\n"), "{\"v\":\".inf\"}");
}

TEST(YamlToJson, MultipleDocumentsSkippingEmptyOnes) {
  const auto docs = yaml_to_json("---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n--- # trailing comment\n~\n---\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(to_json(docs[0]), "{\"a\":1}");
  EXPECT_EQ(to_json(docs[1]), "{\"b\":2}");
  EXPECT_TRUE(yaml_to_json("").empty());
  EXPECT_TRUE(yaml_to_json("\n# nothing\n").empty());
  EXPECT_EQ(yaml_to_json("a: 1\n...\n").size(), 1u);
}

TEST(YamlToJson, NonMapDocuments) {
  EXPECT_EQ(one("- a\n- 1\n"), "[\"a\",1]");
  EXPECT_EQ(one("\"text\"\n"), "\"text\"");
}

TEST(YamlToJson, DuplicateKeysLastWins) {
  EXPECT_EQ(one("a: 1\nb: 2\na: 3\n"), "{\"a\":3,\"b\":2}");
  EXPECT_EQ(one("m: {x: 1}\nm: {y: 2}\n"), "{\"m\":{\"y\":2}}");
}

TEST(YamlToJson, KeysAreTheirText) {
  EXPECT_EQ(one("1: a\n\"2\": b\n"), "{\"1\":\"a\",\"2\":\"b\"}");
}

TEST(YamlToJson, NonScalarKeysAreErrors) {
  const auto flow = error_of<YamlError>([] { yaml_to_json("{[a]: 1}\n"); });
  EXPECT_TRUE(contains(flow, "map keys must be scalars")) << flow;
  const auto block = error_of<YamlError>([] { yaml_to_json("ok: 1\n? {a: b}\n: c\n"); });
  EXPECT_TRUE(contains(block, "map keys must be scalars at line 2")) << block;
}

TEST(YamlToJson, AnchorsAndAliases) {
  EXPECT_EQ(one("a: &x [1, 2]\nb: *x\n"), "{\"a\":[1,2],\"b\":[1,2]}");
}

TEST(YamlToJson, MergeKeys) {
  const std::string base = "base: &b {x: 1, y: 2}\n";
  // Keys after the merge win; keys before it are overwritten (go-yaml v2 order).
  EXPECT_EQ(one(base + "m:\n  <<: *b\n  y: 3\n"), "{\"base\":{\"x\":1,\"y\":2},\"m\":{\"x\":1,\"y\":3}}");
  EXPECT_EQ(one(base + "m:\n  y: 3\n  <<: *b\n"), "{\"base\":{\"x\":1,\"y\":2},\"m\":{\"y\":2,\"x\":1}}");
  // A list of maps: earlier maps win.
  EXPECT_EQ(one("m:\n  <<: [{a: 1}, {a: 2, b: 2}]\n"), "{\"m\":{\"a\":1,\"b\":2}}");
  // A quoted "<<" is an ordinary key.
  EXPECT_EQ(one("m:\n  \"<<\": 1\n"), "{\"m\":{\"<<\":1}}");
  const auto bad = error_of<YamlError>([] { yaml_to_json("m:\n  <<: 5\n"); });
  EXPECT_TRUE(contains(bad, "map merge (<<) requires a map or a list of maps at line 2")) << bad;
  EXPECT_TRUE(contains(error_of<YamlError>([] { yaml_to_json("m:\n  <<: [1]\n"); }), "map merge"));
}

TEST(YamlToJson, SyntaxErrorNamesLineAndColumn) {
  const auto message = error_of<YamlError>([] { yaml_to_json("a: 1\nb: [1, 2\nc: 3\n"); });
  EXPECT_TRUE(contains(message, "YAML syntax error at line 3, column")) << message;
}

TEST(YamlToJson, SyntaxErrorLineCountsEarlierDocuments) {
  const auto message = error_of<YamlError>([] { yaml_to_json("a: 1\n---\nb: 2\n---\nc: {\n"); });
  EXPECT_TRUE(contains(message, "line 6")) << message;
}

TEST(YamlToJson, ContentAfterTheSeparatorIsAnError) {
  const auto message = error_of<YamlError>([] { yaml_to_json("a: 1\n--- b: 2\n"); });
  EXPECT_TRUE(contains(message, "content after the document separator at line 2")) << message;
}

TEST(YamlToJson, TrailingJunkIsAnError) {
  const auto message = error_of<YamlError>([] { yaml_to_json("a: 1\n...\nb: 2\n"); });
  EXPECT_TRUE(contains(message, "YAML syntax error")) << message;
}

TEST(YamlToJson, NulBytesAreRejected) {
  const auto message = error_of<YamlError>([] { yaml_to_json(std::string("a: 1\0b", 6)); });
  EXPECT_TRUE(contains(message, "NUL")) << message;
}

TEST(YamlToJson, DepthLimit) {
  YamlLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(one("a: {b: {c: 1}}\n", limits), "{\"a\":{\"b\":{\"c\":1}}}");
  const auto message = error_of<YamlError>([&] { yaml_to_json("a: {b: {c: {d: 1}}}\n", limits); });
  EXPECT_TRUE(contains(message, "nesting deeper than 3")) << message;
  EXPECT_TRUE(contains(error_of<YamlError>([&] { yaml_to_json("[[[[1]]]]\n", limits); }), "nesting deeper than 3"));
}

TEST(YamlToJson, SelfReferencingAliasHitsTheDepthLimit) {
  const auto message = error_of<YamlError>([] { yaml_to_json("a: &a [*a]\n"); });
  EXPECT_TRUE(contains(message, "nesting deeper than")) << message;
}

TEST(YamlToJson, BillionLaughsHitsTheNodeLimitQuickly) {
  std::string yaml = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string n = std::to_string(i), prev = std::string("*l").append(std::to_string(i - 1));
    yaml.append("l").append(n).append(": &l").append(n).append(" [");
    for (int j = 0; j < 10; ++j) yaml.append(j ? ", " : "").append(prev);
    yaml += "]\n";
  }
  YamlLimits limits;
  limits.max_nodes = 1000;
  const auto message = error_of<YamlError>([&] { yaml_to_json(yaml, limits); });
  EXPECT_TRUE(contains(message, "document expands to more than 1000 nodes")) << message;
  // The default limit stops it too (10^10 nodes would never finish).
  EXPECT_TRUE(contains(error_of<YamlError>([&] { yaml_to_json(yaml); }), "document expands to more than"));
}

TEST(YamlToJson, NodeLimitCountsEveryNode) {
  YamlLimits limits;
  limits.max_nodes = 4;  // a sequence and three items
  EXPECT_NO_THROW(yaml_to_json("[1, 2, 3]\n", limits));
  EXPECT_TRUE(contains(error_of<YamlError>([&] { yaml_to_json("[1, 2, 3, 4]\n", limits); }), "more than 4 nodes"));
}

TEST(YamlToJson, DeepNestingFromHostileInputIsAnErrorNotACrash) {
  for (const std::string& text : {std::string(200000, '['), std::string(200000, '{'),
                                  [] {
                                    std::string s;
                                    for (int i = 0; i < 3000; ++i) s += std::string(static_cast<size_t>(i), ' ') + "a:\n";
                                    return s;
                                  }(),
                                  [] {
                                    std::string s;
                                    for (int i = 0; i < 3000; ++i) s += std::string(static_cast<size_t>(i), ' ') + "- \n";
                                    return s;
                                  }()}) {
    const auto message = error_of<YamlError>([&] { yaml_to_json(text); });
    EXPECT_TRUE(contains(message, "nesting")) << message.substr(0, 200);
  }
}

TEST(YamlToJson, HugeScalarsAreKeptWhole) {
  const std::string big(1 << 20, 'x');
  const auto docs = yaml_to_json("v: " + big + "\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["v"].GetStringLength(), big.size());
}

TEST(YamlToJson, BinaryGarbageIsAnErrorNotACrash) {
  // A fixed pseudo-random byte stream (no NULs): whatever it parses as, it must not crash.
  std::string bytes;
  uint32_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 1103515245u + 12345u;
    char c = static_cast<char>((state >> 16) & 0xff);
    bytes += c == '\0' ? '\x01' : c;
  }
  try {
    yaml_to_json(bytes);
  } catch (const YamlError&) {
  }
}

}  // namespace
}  // namespace tierguard::state
