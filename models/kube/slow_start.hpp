// The ReplicaSet controller's slow start (kubernetes pkg/controller/replicaset/replica_set.go
// slowStartBatch, v1.28): n pod creations are issued in batches of 1, 2, 4, 8, ... so that a
// failing create (a quota, an admission webhook) costs one call rather than n.
#pragma once

#include <cstdint>
#include <vector>

namespace kcsim::models {

/// The successive batch sizes for `n` creations starting at `initial` (SlowStartInitialBatchSize
/// = 1): each batch doubles, the last one takes what remains. slow_start_batches(10) = {1, 2, 4, 3}.
std::vector<std::int64_t> slow_start_batches(std::int64_t n, std::int64_t initial = 1);

}  // namespace kcsim::models
