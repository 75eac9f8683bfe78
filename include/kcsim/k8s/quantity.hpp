// Kubernetes resource quantities (k8s.io/apimachinery pkg/api/resource, quantity.go): "250m",
// "0.5", "128Mi", "1G", or a JSON number. One home for reading them, shared by the HPA controller,
// the usage model and metrics-server.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace kcsim {

/// A quantity in milli-units, rounded up as Quantity.MilliValue() rounds: "250m" → 250, "1" → 1000,
/// "128Mi" → 134217728000. Decimal (m, k, M, G, T, P, E) and binary (Ki ... Ei) suffixes; nullopt
/// for anything else.
std::optional<std::int64_t> quantity_milli(const nlohmann::json& v);

}  // namespace kcsim
