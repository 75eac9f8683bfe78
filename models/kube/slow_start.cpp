#include "slow_start.hpp"

#include <algorithm>

namespace kcsim::models {

std::vector<std::int64_t> slow_start_batches(std::int64_t n, std::int64_t initial) {
  std::vector<std::int64_t> out;
  std::int64_t remaining = n;
  for (std::int64_t batch = std::min(remaining, initial); batch > 0; batch = std::min(2 * batch, remaining)) {
    out.push_back(batch);
    remaining -= batch;
  }
  return out;
}

}  // namespace kcsim::models
