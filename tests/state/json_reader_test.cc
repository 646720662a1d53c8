#include "state/json_reader.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::decode_error_of;
using testing::parse_json;

class JsonReaderTest : public ::testing::Test {
 protected:
  JsonReaderTest()
      : doc_(parse_json(R"({
          "s": "text", "empty": "", "n": null, "b": true, "i": 42, "neg": -3, "f": 1.5, "big": 18446744073709551615,
          "list": ["a", "b"], "badlist": ["a", 1], "map": {"k": "v", "k2": ""}, "badmap": {"k": 1},
          "obj": {"inner": {"x": "y"}}, "objs": [{"a": "1"}, {"a": "2"}], "mixed": [{"a": "1"}, "no"]
        })")),
        reader_(doc_, "spec") {}

  rapidjson::Document doc_;
  JsonReader reader_;
};

TEST_F(JsonReaderTest, Strings) {
  EXPECT_EQ(reader_.string("s"), "text");
  EXPECT_EQ(reader_.string("empty"), "");
  EXPECT_FALSE(reader_.string("absent").has_value());
  EXPECT_FALSE(reader_.string("n").has_value());  // null reads as not set
  EXPECT_EQ(reader_.required_string("s"), "text");
  const auto wrong = decode_error_of([&] { reader_.string("i"); });
  EXPECT_EQ(wrong.field(), "spec.i");
  EXPECT_EQ(std::string(wrong.what()), "spec.i: expected a string, got number");
}

TEST_F(JsonReaderTest, RequiredStringRejectsMissingNullAndEmpty) {
  for (const char* key : {"absent", "n", "empty"}) {
    const auto e = decode_error_of([&] { reader_.required_string(key); });
    EXPECT_EQ(e.field(), std::string("spec.") + key);
    EXPECT_EQ(e.problem(), "required field is missing or empty");
  }
}

TEST_F(JsonReaderTest, Booleans) {
  EXPECT_EQ(reader_.boolean("b"), true);
  EXPECT_FALSE(reader_.boolean("absent").has_value());
  EXPECT_EQ(std::string(decode_error_of([&] { reader_.boolean("s"); }).what()), "spec.s: expected a boolean, got string");
}

TEST_F(JsonReaderTest, Integers) {
  EXPECT_EQ(reader_.integer("i"), 42);
  EXPECT_EQ(reader_.integer("neg"), -3);
  EXPECT_FALSE(reader_.integer("absent").has_value());
  EXPECT_EQ(decode_error_of([&] { reader_.integer("f"); }).problem(), "expected an integer that fits in 64 bits");
  EXPECT_EQ(decode_error_of([&] { reader_.integer("big"); }).problem(), "expected an integer that fits in 64 bits");
  EXPECT_EQ(decode_error_of([&] { reader_.integer("s"); }).problem(), "expected an integer, got string");
}

TEST_F(JsonReaderTest, StringLists) {
  EXPECT_EQ(reader_.string_list("list"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(reader_.string_list("absent").empty());
  EXPECT_TRUE(reader_.string_list("n").empty());
  const auto element = decode_error_of([&] { reader_.string_list("badlist"); });
  EXPECT_EQ(element.field(), "spec.badlist[1]");
  EXPECT_EQ(element.problem(), "expected a string, got number");
  EXPECT_EQ(decode_error_of([&] { reader_.string_list("s"); }).problem(), "expected a list of strings, got string");
}

TEST_F(JsonReaderTest, StringMaps) {
  const auto m = reader_.string_map("map");
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("k"), "v");
  EXPECT_EQ(m.at("k2"), "");
  EXPECT_TRUE(reader_.string_map("absent").empty());
  EXPECT_EQ(decode_error_of([&] { reader_.string_map("badmap"); }).field(), "spec.badmap[k]");
  EXPECT_EQ(decode_error_of([&] { reader_.string_map("list"); }).problem(), "expected a map of strings, got array");
}

TEST_F(JsonReaderTest, NestedObjectsCarryTheirPath) {
  const auto obj = reader_.object("obj");
  ASSERT_TRUE(obj.has_value());
  EXPECT_EQ(obj->path(), "spec.obj");
  const auto inner = obj->required_object("inner");
  EXPECT_EQ(inner.path(), "spec.obj.inner");
  EXPECT_EQ(inner.field_path("x"), "spec.obj.inner.x");
  EXPECT_FALSE(reader_.object("absent").has_value());
  EXPECT_EQ(decode_error_of([&] { reader_.required_object("absent"); }).field(), "spec.absent");
  const auto wrong = decode_error_of([&] { reader_.object("s"); });
  EXPECT_EQ(wrong.field(), "spec.s");
  EXPECT_EQ(wrong.problem(), "expected an object, got string");
}

TEST_F(JsonReaderTest, ObjectLists) {
  const auto objs = reader_.object_list("objs");
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[1].path(), "spec.objs[1]");
  EXPECT_EQ(objs[1].string("a"), "2");
  EXPECT_EQ(decode_error_of([&] { reader_.object_list("mixed"); }).field(), "spec.mixed[1]");
  EXPECT_EQ(decode_error_of([&] { reader_.object_list("s"); }).problem(), "expected a list, got string");
}

TEST_F(JsonReaderTest, RejectUnknownNamesTheField) {
  const auto inner = reader_.required_object("obj");
  EXPECT_NO_THROW(inner.reject_unknown({"inner"}));
  const auto e = decode_error_of([&] { inner.reject_unknown({"other"}); });
  EXPECT_EQ(e.field(), "spec.obj.inner");
  EXPECT_EQ(e.problem(), "unknown field");
}

TEST(JsonReader, RootPathIsEmptyAndFieldsAreBare) {
  const auto doc = parse_json(R"({"kind": 1})");
  const JsonReader root(doc, "");
  EXPECT_EQ(root.field_path("kind"), "kind");
  EXPECT_EQ(std::string(decode_error_of([&] { root.string("kind"); }).what()), "kind: expected a string, got number");
}

TEST(JsonReader, NonObjectRootIsAnError) {
  const auto doc = parse_json("[1]");
  const auto e = decode_error_of([&] { JsonReader r(doc, ""); });
  EXPECT_EQ(std::string(e.what()), "expected an object, got array");
}

TEST(JsonReader, OverlongStringsAreRejected) {
  rapidjson::Document doc;
  doc.SetObject();
  const std::string huge((1 << 20) + 1, 'x');
  doc.AddMember("s", rapidjson::Value(huge.c_str(), static_cast<rapidjson::SizeType>(huge.size()), doc.GetAllocator()),
                doc.GetAllocator());
  rapidjson::Value list(rapidjson::kArrayType);
  list.PushBack(rapidjson::Value(huge.c_str(), static_cast<rapidjson::SizeType>(huge.size()), doc.GetAllocator()),
                doc.GetAllocator());
  doc.AddMember("l", list, doc.GetAllocator());
  const JsonReader r(doc, "");
  EXPECT_EQ(decode_error_of([&] { r.string("s"); }).problem(), "string too long");
  EXPECT_EQ(decode_error_of([&] { r.string_list("l"); }).field(), "l[0]");
}

TEST(JsonTypeName, EveryType) {
  const auto doc = parse_json(R"([null, true, false, {}, [], "", 1])");
  const char* expected[] = {"null", "boolean", "boolean", "object", "array", "string", "number"};
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) EXPECT_EQ(json_type_name(doc[i]), expected[i]);
}

}  // namespace
}  // namespace tierguard::state
