// The ClusterIPs of Services (sim/views/cluster_objects.hpp).
//
// A real API server allocates spec.clusterIP when a Service is created (kubernetes v1.32
// pkg/registry/core/service/ipallocator/bitmap.go, with the service CIDR kubeadm uses by
// default, 10.96.0.0/12). kcsim's store does not, so kubectl's views add it here:
//  - `clusterIP: None` in the manifest (a headless Service) stays "None"; an address the manifest
//    asks for is kept; an ExternalName Service has none.
//  - otherwise an address of the CIDR's dynamic band. The allocator omits the network and
//    broadcast addresses (the range has 2^20 - 2 addresses) and reserves its first
//    min(max(16, size/16), 256) = 256 for static assignment (calculateRangeOffset, KEP-3070): the
//    kubernetes Service's 10.96.0.1 and kube-dns's 10.96.0.10 live there. Dynamic allocation
//    starts at a random offset of the upper band and scans forward to the first free address.
//    Upstream draws that offset from an unseeded generator; kcsim draws it from the Service's
//    uid (FNV-1a), so that a run always shows the same addresses, and scans forward from it over
//    the addresses in use, in creation order, as upstream does. An address is free again once
//    its Service is deleted.
#include <algorithm>
#include <cstdint>
#include <set>

#include <fmt/format.h>

#include "cluster_objects.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

constexpr std::uint32_t kBase = (10u << 24) | (96u << 16);  // 10.96.0.0
constexpr std::uint32_t kRangeSize = (1u << 20) - 2;       // /12 without network and broadcast
constexpr std::uint32_t kStaticBand = 256;                 // calculateRangeOffset

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string ip_string(std::uint32_t offset) {
  const std::uint32_t a = kBase + 1 + offset;  // offsets count from the first usable address
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

}  // namespace

std::map<std::string, std::string> service_cluster_ips(const ApiServer& api) {
  // Creations and deletions in time order: an address is in use from a Service's creation to its
  // deletion. lifetimes() lists creations in order; deletions are merged in by time.
  struct Change {
    SimTime at;
    bool create;
    std::size_t index;
  };
  const std::vector<ObjectLifetime>& lifetimes = api.lifetimes();
  std::vector<Change> changes;
  for (std::size_t i = 0; i < lifetimes.size(); ++i) {
    if (lifetimes[i].ref.kind != "Service") continue;
    changes.push_back({lifetimes[i].created, true, i});
    if (lifetimes[i].deleted) changes.push_back({*lifetimes[i].deleted, false, i});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.at < b.at; });

  std::map<std::string, std::string> out;
  std::map<std::size_t, std::uint32_t> held;  // lifetime index → offset
  std::set<std::uint32_t> in_use;
  for (const Change& c : changes) {
    const ObjectLifetime& l = lifetimes[c.index];
    if (!c.create) {
      if (auto it = held.find(c.index); it != held.end()) {
        in_use.erase(it->second);
        held.erase(it);
      }
      continue;
    }
    const std::string key = l.ref.ns + "/" + l.ref.name;
    static const json kNone = json::object();
    const json& svc = l.last ? *l.last : kNone;
    if (const std::string av = str_at(svc, {"apiVersion"}); !av.empty() && av != "v1") continue;  // another group's Service
    if (str_at(svc, {"spec", "type"}) == "ExternalName") {
      out.erase(key);
      continue;
    }
    if (const std::string asked = str_at(svc, {"spec", "clusterIP"}); !asked.empty()) {
      out[key] = asked;
      continue;
    }
    const std::uint32_t band = kRangeSize - kStaticBand;
    std::uint32_t offset = kStaticBand + static_cast<std::uint32_t>(fnv1a(l.uid.empty() ? key : l.uid) % band);
    for (std::uint32_t tries = 0; tries < band && in_use.count(offset); ++tries)
      offset = offset + 1 < kRangeSize ? offset + 1 : kStaticBand;
    in_use.insert(offset);
    held[c.index] = offset;
    out[key] = ip_string(offset);
  }
  return out;
}

json with_cluster_ip(const json& service, const std::map<std::string, std::string>& ips) {
  const std::string key = str_at(service, {"metadata", "namespace"}) + "/" + str_at(service, {"metadata", "name"});
  auto it = ips.find(key);
  if (it == ips.end()) return service;
  json s = service;
  if (!s.contains("spec") || !s["spec"].is_object()) s["spec"] = json::object();
  s["spec"]["clusterIP"] = it->second;
  s["spec"]["clusterIPs"] = json::array({it->second});
  return s;
}

}  // namespace kcsim
