// Feeds synthetic LIST streams of pods, role bindings and roles (shaped like the apiserver's
// LIST items, with the fields tierguard ignores as well) through the same KindFeed path the
// informers use, then a watch stream of updates and deletions, and reports the memory the
// state holds per object: heap bytes in use (mallinfo2, exact) and resident set size.
//
//   build/release/bench/state/tierguard_state_memory_bench [--pods 100000] [--bindings 20000] [--roles 5000]
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "state/kind_feed.h"

namespace {

using tierguard::state::KindFeed;
using tierguard::state::LiveState;
using tierguard::state::ObjectKind;

size_t heap_in_use() { return mallinfo2().uordblks; }

size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string ns_name(int i) { return "team-" + std::to_string(1000 + i); }

// A pod as a LIST item: metadata with labels, an owner, a uid, managed fields left out; spec
// with containers; a status. tierguard keeps its namespace, name, ServiceAccount and owner.
std::string pod(int ns, int deployment, int replica, int generation) {
  const std::string dep = "svc-" + std::to_string(deployment);
  const std::string rs = dep + "-7d9f8c6b" + std::to_string(generation);
  return R"({"metadata":{"name":")" + rs + "-x" + std::to_string(replica) + R"(k9p","namespace":")" + ns_name(ns) +
         R"(","uid":"0b5d2a4e-6f0c-4c57-9d1a-)" + std::to_string(100000000 + replica) +
         R"(","resourceVersion":"123456","labels":{"app":")" + dep +
         R"(","pod-template-hash":"7d9f8c6b"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":")" +
         rs + R"(","uid":"x","controller":true,"blockOwnerDeletion":true}]},)"
         R"("spec":{"serviceAccountName":")" + dep + R"(","automountServiceAccountToken":false,)"
         R"("containers":[{"name":"app","image":"registry.example.com/app:1.2.3","ports":[{"containerPort":8080}],)"
         R"("resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}],"nodeName":"node-17"},)"
         R"("status":{"phase":"Running","podIP":"10.1.2.3","conditions":[{"type":"Ready","status":"True"}]}})";
}

std::string role(int ns, int i) {
  return R"({"metadata":{"name":"role-)" + std::to_string(i) + R"(","namespace":")" + ns_name(ns) +
         R"(","uid":"u","resourceVersion":"1","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\"}"}},)"
         R"("rules":[{"apiGroups":[""],"resources":["configmaps","services","endpoints"],"verbs":["get","list","watch"]},)"
         R"({"apiGroups":["apps"],"resources":["deployments","replicasets"],"verbs":["get","list","watch","update","patch"]},)"
         R"({"apiGroups":[""],"resources":["secrets"],"resourceNames":["app-config"],"verbs":["get"]}]})";
}

std::string binding(int ns, int i, int roles_per_ns) {
  return R"({"metadata":{"name":"binding-)" + std::to_string(i) + R"(","namespace":")" + ns_name(ns) +
         R"(","uid":"u","resourceVersion":"1","labels":{"app.kubernetes.io/managed-by":"helm"}},)"
         R"("roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"role-)" +
         std::to_string(i % roles_per_ns) + R"("},"subjects":[{"kind":"ServiceAccount","name":"svc-)" +
         std::to_string(i % 10) + R"(","namespace":")" + ns_name(ns) + R"("}]})";
}

void feed_one(KindFeed& feed, const std::string& text, bool init) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (init) {
    feed.init_apply(doc);
  } else {
    feed.apply(doc);
  }
}

struct Measure {
  size_t heap, rss;
};
Measure measure() { return {heap_in_use(), resident_bytes()}; }

void report(const char* what, size_t count, const Measure& before, const Measure& after) {
  const double heap = static_cast<double>(after.heap) - static_cast<double>(before.heap);
  const double rss = static_cast<double>(after.rss) - static_cast<double>(before.rss);
  std::printf("%-28s %8zu objects  heap %+9.2f MiB (%7.1f B/object)  rss %+9.2f MiB\n", what, count,
              heap / (1 << 20), count ? heap / static_cast<double>(count) : 0.0, rss / (1 << 20));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tierguard state memory benchmark"};
  int pods = 100000, bindings = 20000, roles = 5000, namespaces = 200;
  app.add_option("--pods", pods)->capture_default_str();
  app.add_option("--bindings", bindings)->capture_default_str();
  app.add_option("--roles", roles)->capture_default_str();
  app.add_option("--namespaces", namespaces)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (pods < 0 || bindings < 0 || roles < 0 || namespaces < 1) {
    std::fprintf(stderr, "counts must be positive\n");
    return 2;
  }

  const Measure start = measure();
  LiveState state;
  KindFeed pod_feed(state, ObjectKind::kPod);
  KindFeed role_feed(state, ObjectKind::kRole);
  KindFeed binding_feed(state, ObjectKind::kRoleBinding);
  const int pods_per_ns = (pods + namespaces - 1) / namespaces;
  const int roles_per_ns = std::max(1, (roles + namespaces - 1) / namespaces);
  const int bindings_per_ns = (bindings + namespaces - 1) / namespaces;

  std::printf("synthetic cluster: %d namespaces, %d pods (10 deployments per namespace), %d role bindings, %d roles\n\n",
              namespaces, pods, bindings, roles);

  Measure before = measure();
  pod_feed.init_start();
  for (int i = 0; i < pods; ++i) {
    const int ns = i / pods_per_ns, in_ns = i % pods_per_ns;
    feed_one(pod_feed, pod(ns, in_ns % 10, in_ns, 0), true);
  }
  pod_feed.init_done();
  Measure after = measure();
  report("pods (initial list)", static_cast<size_t>(pods), before, after);

  before = measure();
  role_feed.init_start();
  for (int i = 0; i < roles; ++i) feed_one(role_feed, role(i / roles_per_ns, i % roles_per_ns), true);
  role_feed.init_done();
  after = measure();
  report("roles (initial list)", static_cast<size_t>(roles), before, after);

  before = measure();
  binding_feed.init_start();
  for (int i = 0; i < bindings; ++i) {
    feed_one(binding_feed, binding(i / bindings_per_ns, i % bindings_per_ns, roles_per_ns), true);
  }
  binding_feed.init_done();
  after = measure();
  report("role bindings (initial list)", static_cast<size_t>(bindings), before, after);

  // A rollout of every deployment: each pod replaced by one of the next ReplicaSet generation
  // (watch: ADDED new, DELETED old). Memory must come back to where it was.
  before = measure();
  for (int i = 0; i < pods; ++i) {
    const int ns = i / pods_per_ns, in_ns = i % pods_per_ns;
    feed_one(pod_feed, pod(ns, in_ns % 10, in_ns, 1), false);
    rapidjson::Document old;
    const std::string text = pod(ns, in_ns % 10, in_ns, 0);
    old.Parse(text.c_str(), text.size());
    pod_feed.remove(old);
  }
  after = measure();
  report("pods after a full rollout", static_cast<size_t>(pods), before, after);

  const Measure end = measure();
  const auto counts = state.read([](const tierguard::state::Snapshot& s) { return s.counts(); });
  std::printf("\nstate holds %zu workloads/pods, %zu roles, %zu bindings\n", counts.workloads, counts.roles,
              counts.bindings);
  std::printf("total: heap in use %.2f MiB, resident %.2f MiB (process, including the C++ runtime)\n",
              static_cast<double>(end.heap - start.heap) / (1 << 20), static_cast<double>(end.rss) / (1 << 20));
  return 0;
}
