#include "state/manifest_reader.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::contains;
using testing::error_of;
using testing::TempDir;

const std::string kTree = std::string(TIERGUARD_TEST_DATA_DIR) + "/state/tree";

std::string name_of(const ManifestDocument& d) {
  const auto& json = d.json;
  if (!json.IsObject() || !json.HasMember("metadata")) return "?";
  return json["metadata"]["name"].GetString();
}

TEST(ReadManifests, WalksDirectoriesRecursivelyInSortedOrderReadingOnlyManifests) {
  const auto docs = read_manifests({kTree});
  std::vector<std::string> names, locations;
  for (const auto& d : docs) {
    names.push_back(name_of(d));
    locations.push_back(d.location().substr(kTree.size() + 1));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"from-a", "from-b-0", "from-b-1", "from-c-item-0", "from-c-item-1", "from-d"}));
  EXPECT_EQ(locations, (std::vector<std::string>{"a.json#0", "b.yaml#0", "b.yaml#1", "sub/c.yml#0 items[0]",
                                                 "sub/c.yml#0 items[1]", "sub/z/d.yaml#0"}));
}

TEST(ReadManifests, SeveralPathsKeepTheirOrder) {
  const auto docs = read_manifests({kTree + "/sub/z/d.yaml", kTree + "/a.json"});
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(name_of(docs[0]), "from-d");
  EXPECT_EQ(name_of(docs[1]), "from-a");
}

TEST(ReadManifests, AnExplicitFileIsReadWhateverItsExtension) {
  const auto docs = read_manifests({kTree + "/notes.txt"});
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(name_of(docs[0]), "must-not-be-read");
}

TEST(ReadManifests, ExtensionsAreCaseSensitiveLikeKubectl) {
  TempDir dir;
  dir.write("upper.YAML", "kind: Namespace\n");
  dir.write("x.yaml~", "kind: Namespace\n");
  dir.write("ok.yml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n");
  const auto docs = read_manifests({dir.str()});
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(name_of(docs[0]), "ok");
}

TEST(ReadManifests, EmptyDirectoryAndEmptyFilesGiveNothing) {
  TempDir dir;
  EXPECT_TRUE(read_manifests({dir.str()}).empty());
  dir.write("empty.yaml", "");
  dir.write("comments.yaml", "# nothing here\n---\n");
  EXPECT_TRUE(read_manifests({dir.str()}).empty());
}

TEST(ReadManifests, MissingPath) {
  TempDir dir;
  const auto missing = (dir.path() / "nope.yaml").string();
  EXPECT_EQ(error_of<ManifestError>([&] { read_manifests({missing}); }), missing + ": no such file or directory");
}

TEST(ReadManifests, FileOverTheSizeLimit) {
  TempDir dir;
  const auto path = dir.write("big.yaml", std::string(100, '#'));
  ManifestLimits limits;
  limits.max_file_bytes = 99;
  const auto message = error_of<ManifestError>([&] { read_manifests({path.string()}, limits); });
  EXPECT_EQ(message, path.string() + ": file is 100 bytes, over the 99-byte limit");
  limits.max_file_bytes = 100;
  EXPECT_NO_THROW(read_manifests({path.string()}, limits));
}

TEST(ReadManifests, TooManyFilesInADirectory) {
  TempDir dir;
  for (int i = 0; i < 3; ++i) dir.write(std::string("f").append(std::to_string(i)).append(".yaml"), "");
  ManifestLimits limits;
  limits.max_files = 2;
  EXPECT_TRUE(contains(error_of<ManifestError>([&] { read_manifests({dir.str()}, limits); }), "more than 2 manifest files"));
  limits.max_files = 3;
  EXPECT_NO_THROW(read_manifests({dir.str()}, limits));
}

TEST(ReadManifests, ErrorsNameTheFile) {
  TempDir dir;
  dir.write("a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
  const auto bad = dir.write("b.yaml", "a: [1\n");
  const auto message = error_of<ManifestError>([&] { read_manifests({dir.str()}); });
  EXPECT_EQ(message.rfind(bad.string() + ": YAML syntax error at line", 0), 0u) << message;
}

TEST(ParseManifestText, JsonFile) {
  const auto docs = parse_manifest_text("x.json", R"({"kind": "Namespace", "metadata": {"name": "n"}})");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].file, "x.json");
  EXPECT_EQ(docs[0].index, 0u);
  EXPECT_EQ(docs[0].item, "");
  EXPECT_EQ(docs[0].location(), "x.json#0");
}

TEST(ParseManifestText, InvalidJsonNamesTheByteOffset) {
  EXPECT_EQ(error_of<ManifestError>([] { parse_manifest_text("x.json", R"({"a": })"); }),
            "x.json: invalid JSON at byte 6: Invalid value.");
  EXPECT_TRUE(contains(error_of<ManifestError>([] { parse_manifest_text("x.json", ""); }), "x.json: invalid JSON at byte 0"));
}

TEST(ParseManifestText, TrailingGarbageAfterJsonIsAnError) {
  const auto message = error_of<ManifestError>([] { parse_manifest_text("x.json", R"({"a": 1} {"b": 2})"); });
  EXPECT_TRUE(contains(message, "x.json: invalid JSON at byte 9")) << message;
  EXPECT_TRUE(contains(message, "root")) << message;
  EXPECT_NO_THROW(parse_manifest_text("x.json", "{\"a\": 1}\n\n  "));
}

TEST(ParseManifestText, YamlDocumentsAreIndexed) {
  const auto docs = parse_manifest_text("m.yaml", "a: 1\n---\nb: 2\n---\n---\nc: 3\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].location(), "m.yaml#0");
  EXPECT_EQ(docs[1].location(), "m.yaml#1");
  // Indexes count non-empty documents.
  EXPECT_EQ(docs[2].location(), "m.yaml#2");
  EXPECT_EQ(testing::to_json(docs[2].json), "{\"c\":3}");
}

TEST(ParseManifestText, YamlErrorIsPrefixedByTheFile) {
  const auto message = error_of<ManifestError>([] { parse_manifest_text("m.yaml", "a: 1\n---\nb: {\n"); });
  EXPECT_EQ(message.rfind("m.yaml: YAML syntax error at line 4", 0), 0u) << message;
}

TEST(ParseManifestText, ListIsFlattenedWithItemLocations) {
  const auto docs = parse_manifest_text("l.yaml",
                                        "kind: Namespace\nmetadata: {name: first}\n---\n"
                                        "apiVersion: v1\nkind: List\nitems:\n- {kind: A}\n- {kind: B}\n- {kind: C}\n");
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].location(), "l.yaml#0");
  EXPECT_EQ(docs[1].location(), "l.yaml#1 items[0]");
  EXPECT_EQ(docs[3].location(), "l.yaml#1 items[2]");
  EXPECT_EQ(docs[3].index, 1u);
  EXPECT_EQ(docs[3].item, "items[2]");
  EXPECT_EQ(testing::to_json(docs[2].json), "{\"kind\":\"B\"}");
}

TEST(ParseManifestText, ListInJson) {
  const auto docs = parse_manifest_text("l.json", R"({"kind": "List", "items": [{"kind": "A"}, {"kind": "B"}]})");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].location(), "l.json#0 items[1]");
}

TEST(ParseManifestText, EmptyListGivesNothing) {
  EXPECT_TRUE(parse_manifest_text("l.yaml", "kind: List\nitems: []\n").empty());
}

TEST(ParseManifestText, ListWithoutItemsIsAnError) {
  EXPECT_EQ(error_of<ManifestError>([] { parse_manifest_text("l.yaml", "a: 0\n---\nkind: List\n"); }),
            "l.yaml#1: kind List without an items list");
  EXPECT_EQ(error_of<ManifestError>([] { parse_manifest_text("l.yaml", "kind: List\nitems: {a: 1}\n"); }),
            "l.yaml#0: kind List without an items list");
}

TEST(ParseManifestText, OnlyKindListIsFlattened) {
  const auto docs = parse_manifest_text("l.yaml", "kind: PodList\nitems: [{kind: Pod}]\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].item, "");
}

TEST(ParseManifestText, DeeplyNestedJsonIsAnErrorNotACrash) {
  // A List item is copied; copying recursed once per level and overflowed the stack.
  const size_t depth = 1'000'000;
  const std::string hostile =
      R"({"kind": "List", "items": [)" + std::string(depth, '[') + std::string(depth, ']') + "]}";
  EXPECT_EQ(error_of<ManifestError>([&] { parse_manifest_text("deep.json", hostile); }),
            "deep.json: JSON nests deeper than 128 levels");
  const std::string plain = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_TRUE(contains(error_of<ManifestError>([&] { parse_manifest_text("deep.json", plain); }), "nests deeper"));
  // 128 levels are fine.
  EXPECT_NO_THROW(parse_manifest_text("ok.json", std::string(128, '[') + std::string(128, ']')));
}

TEST(ParseManifestText, RandomBytesGiveClearErrors) {
  std::string bytes;
  uint32_t state = 99;
  for (int i = 0; i < 4096; ++i) {
    state = state * 1664525u + 1013904223u;
    bytes += static_cast<char>(state >> 24);
  }
  for (const char* file : {"r.json", "r.yaml"}) {
    try {
      parse_manifest_text(file, bytes);
    } catch (const ManifestError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(std::string(file) + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(ManifestDocument, LocationFormat) {
  ManifestDocument d;
  d.file = "dir/all.yaml";
  d.index = 2;
  EXPECT_EQ(d.location(), "dir/all.yaml#2");
  d.item = "items[3]";
  EXPECT_EQ(d.location(), "dir/all.yaml#2 items[3]");
}

}  // namespace
}  // namespace tierguard::state
