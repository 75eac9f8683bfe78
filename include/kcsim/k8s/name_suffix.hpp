// The 5-character suffix apimachinery's names.SimpleNameGenerator appends (util/rand String:
// "bcdfghjklmnpqrstvwxz2456789", no vowels and no confusable digits). Upstream draws it from an
// unseeded generator; kcsim draws it from a seed string (FNV-1a 64 of, say, an object's uid), so
// that a run always names things the same way without taking a draw from a random stream.
#pragma once

#include <string>
#include <string_view>

namespace kcsim::k8s {

/// Five characters of the alphabet above, a function of `seed` only.
std::string name_suffix_from(std::string_view seed);

}  // namespace kcsim::k8s
