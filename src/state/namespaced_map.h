#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tierguard::state {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// Objects keyed by (namespace, name) with allocation-free lookups by string_view. Cluster-scoped
// objects use the empty namespace. Element addresses are stable until the element is erased.
template <typename T>
class NamespacedMap {
 public:
  const T* find(std::string_view ns, std::string_view name) const {
    auto outer = by_namespace_.find(ns);
    if (outer == by_namespace_.end()) return nullptr;
    auto inner = outer->second.find(name);
    return inner == outer->second.end() ? nullptr : &inner->second;
  }

  T* find_mutable(std::string_view ns, std::string_view name) {
    return const_cast<T*>(static_cast<const NamespacedMap*>(this)->find(ns, name));
  }

  // Inserts or replaces; returns the stored element.
  T& upsert(std::string_view ns, std::string_view name, T value) {
    auto& inner = by_namespace_[std::string(ns)];
    auto it = inner.find(name);
    if (it != inner.end()) {
      it->second = std::move(value);
      return it->second;
    }
    ++size_;
    return inner.emplace(std::string(name), std::move(value)).first->second;
  }

  bool erase(std::string_view ns, std::string_view name) {
    auto outer = by_namespace_.find(ns);
    if (outer == by_namespace_.end()) return false;
    auto inner = outer->second.find(name);
    if (inner == outer->second.end()) return false;
    outer->second.erase(inner);
    --size_;
    if (outer->second.empty()) by_namespace_.erase(outer);
    return true;
  }

  // Visits the elements of one namespace, or of all namespaces when `ns` is null.
  void for_each(const std::string_view* ns, const std::function<void(const T&)>& visit) const {
    if (ns != nullptr) {
      auto outer = by_namespace_.find(*ns);
      if (outer == by_namespace_.end()) return;
      for (const auto& [name, value] : outer->second) visit(value);
      return;
    }
    for (const auto& [n, inner] : by_namespace_)
      for (const auto& [name, value] : inner) visit(value);
  }

  // Visits (namespace, name) of every element.
  void for_each_key(const std::function<void(std::string_view, std::string_view)>& visit) const {
    for (const auto& [ns, inner] : by_namespace_)
      for (const auto& [name, value] : inner) visit(ns, name);
  }

  size_t size() const { return size_; }

 private:
  StringMap<StringMap<T>> by_namespace_;
  size_t size_ = 0;
};

}  // namespace tierguard::state
