// The instants the HTML page marks on a Deployment's chart: each ArgoCD sync of an Application
// that manages the Deployment, and each Git commit to a repository such an Application reads.
// A reader of the page sees at a glance which pod churn follows a sync and which a commit.
#pragma once

#include <string>
#include <vector>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

struct ChartMark {
  enum Kind { kSync, kCommit };
  SimTime at;
  Kind kind = kSync;
  std::string label;  // the tooltip: what happened, to what, when
};

/// The marks of `deployment`'s chart in time order (at equal instants, commits before syncs).
/// A sync is an operation's start as the Application's status records it (operationState.phase
/// moving to Running, argo-cd controller/appcontroller.go v3.x setOperationState); an
/// Application manages the Deployment when its status.resources lists it.
std::vector<ChartMark> chart_marks(const World& world, const ObjectRef& deployment);

}  // namespace kcsim
