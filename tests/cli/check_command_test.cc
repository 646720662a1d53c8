// End-to-end tests of `tierguard check`: the real binary, real files, exit codes and output.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "process_runner.h"

namespace tierguard::testing {
namespace {

namespace fs = std::filesystem;

const std::string kExamples = std::string(TIERGUARD_SOURCE_DIR) + "/examples";

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() : path_(fs::path(::testing::TempDir()) / ("tierguard-check-" + std::to_string(::getpid()) + "-" +
                                                       ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::ofstream(p) << text;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const rapidjson::Value* find_entry(const rapidjson::Document& doc, std::string_view kind,
                                   std::string_view ns, std::string_view name) {
  for (const auto& e : doc.GetArray()) {
    if (kind == e["kind"].GetString() && ns == e["namespace"].GetString() && name == e["name"].GetString())
      return &e;
  }
  return nullptr;
}

TEST(CheckCommand, ExamplesMatchTheGoldenJson) {
  const auto result = run_tierguard({"check", "-f", kExamples, "-o", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto golden = read_text(std::string(TIERGUARD_TEST_DATA_DIR) + "/check/examples.json");
  EXPECT_EQ(result.out, golden)
      << "regenerate after reviewing: build/dev/src/cli/tierguard check -f examples -o json > "
         "tests/data/check/examples.json";
}

TEST(CheckCommand, ExamplesGiveTheDocumentedDecisions) {
  const auto result = run_tierguard({"check", "-f", kExamples, "-o", "json"});
  rapidjson::Document doc;
  doc.Parse(result.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << result.out;
  ASSERT_TRUE(doc.IsArray());

  struct Expectation {
    const char* kind;
    const char* ns;
    const char* name;
    bool allowed;
    const char* reason_contains;
  };
  const Expectation expectations[] = {
      {"Deployment", "prod", "api", true, ""},
      {"Pod", "dev", "web-debug", true, ""},
      {"Deployment", "prod", "reports", false, "pods.automountServiceAccountToken"},
      {"Pod", "prod", "scratch", false, "pods.allowDefaultServiceAccount"},
      {"Job", "prod", "release", false, "placement"},
      {"RoleBinding", "prod", "ops-bot-pod-debugger", false, "pods/exec"},
      {"ClusterRoleBinding", "", "deployer-apps-everywhere", false, "clusterScope"},
      {"RoleBinding", "staging", "secrets-for-all", false, "new service accounts in staging"},
      {"RoleBinding", "prod", "api-app-reader", true, ""},
      {"Pod", "legacy", "batch-runner", true, ""},
  };
  for (const auto& e : expectations) {
    SCOPED_TRACE(std::string(e.kind) + " " + e.ns + "/" + e.name);
    const auto* entry = find_entry(doc, e.kind, e.ns, e.name);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ((*entry)["allowed"].GetBool(), e.allowed);
    if (*e.reason_contains) {
      ASSERT_GT((*entry)["reasons"].Size(), 0u);
      EXPECT_NE(std::string((*entry)["reasons"][0].GetString()).find(e.reason_contains), std::string::npos)
          << (*entry)["reasons"][0].GetString();
    } else {
      EXPECT_EQ((*entry)["reasons"].Size(), 0u);
    }
  }
  const auto* warned = find_entry(doc, "Pod", "legacy", "batch-runner");
  ASSERT_NE(warned, nullptr);
  EXPECT_GE((*warned)["warnings"].Size(), 1u);
}

TEST(CheckCommand, AllAllowedExitsZero) {
  const auto result = run_tierguard({"check", "-f", kExamples + "/tiers.yaml", "-f",
                                     kExamples + "/namespaces.yaml", "-f", kExamples + "/serviceaccounts.yaml"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("0 evaluated"), std::string::npos) << result.out;
}

TEST(CheckCommand, TextOutputNamesDeniedObjectsAndReasons) {
  const auto result = run_tierguard({"check", "-f", kExamples});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("DENIED   Job prod/release"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("reason:  service account prod/release-bot (tier \"deployer\"): placement"),
            std::string::npos);
  EXPECT_NE(result.out.find("warning: tierguard: service account legacy/batch"), std::string::npos);
}

TEST(CheckCommand, MalformedYamlExitsTwoNamingTheFileAndLine) {
  TempDir dir;
  const auto file = dir.write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unterminated\n");
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(file.string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("line"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST(CheckCommand, WrongFieldTypeExitsTwoNamingDocumentAndField) {
  TempDir dir;
  const auto file = dir.write("tier.yaml",
                              "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n"
                              "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: t}\n"
                              "spec:\n  rank: 1\n  placement: {namespaceSelector: {}}\n"
                              "  standing:\n    rules:\n    - {apiGroups: [''], resources: [pods], verbs: get}\n");
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(file.string() + "#1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("spec.standing.rules[0].verbs"), std::string::npos) << result.err;
}

TEST(CheckCommand, UnknownKindIsAnError) {
  TempDir dir;
  const auto file = dir.write("x.yaml", "apiVersion: example.com/v1\nkind: Frobnicator\nmetadata: {name: a}\n");
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown kind \"Frobnicator\""), std::string::npos) << result.err;
}

TEST(CheckCommand, SecondDefaultTierIsAnError) {
  TempDir dir;
  const std::string tier =
      "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: NAME}\n"
      "spec: {rank: RANK, default: true, placement: {namespaceSelector: {}}}\n";
  auto a = tier, b = tier;
  a.replace(a.find("NAME"), 4, "a");
  a.replace(a.find("RANK"), 4, "1");
  b.replace(b.find("NAME"), 4, "b");
  b.replace(b.find("RANK"), 4, "2");
  const auto file = dir.write("tiers.yaml", a + "---\n" + b);
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("second default tier"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("#1"), std::string::npos) << result.err;
}

TEST(CheckCommand, BadUsageExitsTwo) {
  EXPECT_EQ(run_tierguard({"check"}).exit_code, 2);
  EXPECT_EQ(run_tierguard({"check", "-f", "/nonexistent/path"}).exit_code, 2);
  const auto bad_output = run_tierguard({"check", "-f", kExamples, "-o", "yaml"});
  EXPECT_EQ(bad_output.exit_code, 2);
  EXPECT_NE(bad_output.err.find("-o must be text or json"), std::string::npos);
  EXPECT_EQ(run_tierguard({"no-such-command"}).exit_code, 2);
}

TEST(CheckCommand, EmptyAndBinaryFilesAreHandled) {
  TempDir dir;
  const auto empty = dir.write("empty.yaml", "");
  EXPECT_EQ(run_tierguard({"check", "-f", empty.string()}).exit_code, 0);
  const auto binary = dir.write("junk.yaml", std::string("\x00\x01\xff\xfe{{[[", 8));
  const auto result = run_tierguard({"check", "-f", binary.string()});
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_NE(result.err.find(binary.string()), std::string::npos) << result.err;
}

const char* const kTierAndAccount =
    "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: base}\n"
    "spec: {rank: 1, default: true, placement: {namespaceSelector: {}},\n"
    "  standing: {rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]}}\n---\n"
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n---\n"
    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot, namespace: app}\n---\n"
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: app}\n"
    "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aggregate}\n"
    "subjects: [{kind: ServiceAccount, name: bot, namespace: app}]\n";

TEST(CheckCommand, ABindingToARoleNotAmongTheInputsIsAnError) {
  TempDir dir;
  const auto file = dir.write("x.yaml", kTierAndAccount);
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(file.string() + "#3: roleRef: ClusterRole \"aggregate\" is not among the inputs"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("--allow-unknown-roles"), std::string::npos);

  const auto allowed = run_tierguard({"check", "-f", file.string(), "--allow-unknown-roles"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_NE(allowed.out.find("does not exist yet"), std::string::npos) << allowed.out;
}

TEST(CheckCommand, AggregatedClusterRolesGetTheRulesTheySelect) {
  TempDir dir;
  const auto file = dir.write(
      "x.yaml", std::string(kTierAndAccount) +
                    "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: aggregate}\n"
                    "aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: 'yes'}}]}\nrules: []\n---\n"
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                    "metadata: {name: exec, labels: {agg: 'yes'}}\n"
                    "rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]\n");
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("DENIED   RoleBinding app/b"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("pods/exec"), std::string::npos) << result.out;
}

TEST(CheckCommand, CyclicAggregationIsAnError) {
  TempDir dir;
  const auto file = dir.write(
      "x.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a, labels: {r: a}}\n"
      "aggregationRule: {clusterRoleSelectors: [{matchLabels: {r: b}}]}\n---\n"
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: b, labels: {r: b}}\n"
      "aggregationRule: {clusterRoleSelectors: [{matchLabels: {r: a}}]}\n");
  const auto result = run_tierguard({"check", "-f", file.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("cyclic aggregation: ClusterRole a -> ClusterRole b -> ClusterRole a"), std::string::npos)
      << result.err;
}

TEST(CheckCommand, VersionPrintsTheVersion) {
  const auto result = run_tierguard({"version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("tierguard ", 0), 0u);
}

}  // namespace
}  // namespace tierguard::testing
