// The kind table (include/kcsim/k8s/kinds.hpp), kept as data in sim/k8s/api_resources.txt in the
// columns of `kubectl api-resources` and compiled in at build time. Sources of its rows:
// `kubectl api-resources` of a Kubernetes v1.32 cluster (k8s.io/kubernetes v1.32, pkg/registry/*/rest storage: each
// resource's NamespaceScoped() and ShortNames()); the CRD manifests of kedacore/keda v2.16
// (config/crd/bases), kedacore/http-add-on v0.10 (config/crd/bases), argoproj/argo-cd v3.0
// (manifests/crds), fluxcd/flux2 v2.4 (the kustomize-, source- and helm-controller CRDs),
// cert-manager v1.16 (ClusterIssuer) and external-secrets v0.10 (ClusterSecretStore).
#include "kcsim/k8s/kinds.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

std::string KindInfo::group() const { return api_group(api_version); }

namespace embedded {
extern const std::string_view kApiResources;  // sim/k8s/api_resources.txt, embedded at build time
}

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// The table in `kubectl api-resources` columns, each read from where its header starts. The
// singular (the discovery document's singularName) is the lower-case kind for every kind here.
std::vector<KindInfo> parse_api_resources(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.empty()) throw std::logic_error("api_resources.txt: empty");
  const std::string_view header = lines.front();
  std::size_t column[5] = {0, header.find("SHORTNAMES"), header.find("APIVERSION"), header.find("NAMESPACED"),
                           header.find("KIND")};
  for (std::size_t c : column)
    if (c == std::string_view::npos) throw std::logic_error("api_resources.txt: a column is missing from the header");
  std::vector<KindInfo> kinds;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const auto cell = [&](int c) {
      if (column[c] >= line.size()) return std::string_view();
      return trimmed(line.substr(column[c], c == 4 ? std::string_view::npos : column[c + 1] - column[c]));
    };
    KindInfo k;
    k.plural = cell(0);
    for (std::string_view shorts = cell(1); !shorts.empty();) {
      const std::size_t comma = shorts.find(',');
      k.short_names.emplace_back(shorts.substr(0, comma));
      shorts = comma == std::string_view::npos ? std::string_view() : shorts.substr(comma + 1);
    }
    k.api_version = cell(2);
    const std::string_view namespaced = cell(3);
    k.kind = cell(4);
    if (k.plural.empty() || k.api_version.empty() || k.kind.empty() || (namespaced != "true" && namespaced != "false"))
      throw std::logic_error("api_resources.txt: a row without its five columns: " + std::string(line));
    k.namespaced = namespaced == "true";
    k.singular = k.kind;
    std::transform(k.singular.begin(), k.singular.end(), k.singular.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    kinds.push_back(std::move(k));
  }
  return kinds;
}

}  // namespace

const std::vector<KindInfo>& known_kinds() {
  static const std::vector<KindInfo> kKinds = parse_api_resources(embedded::kApiResources);
  return kKinds;
}

const KindInfo* find_kind(std::string_view kind) {
  static const std::map<std::string, const KindInfo*, std::less<>> kByKind = [] {
    std::map<std::string, const KindInfo*, std::less<>> m;
    for (const KindInfo& k : known_kinds()) m.emplace(k.kind, &k);
    return m;
  }();
  auto it = kByKind.find(kind);
  return it == kByKind.end() ? nullptr : it->second;
}

bool is_cluster_scoped(std::string_view kind) {
  const KindInfo* k = find_kind(kind);
  return k && !k->namespaced;
}

}  // namespace kcsim
