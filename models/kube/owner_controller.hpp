// What the Deployment and ReplicaSet controllers of kube-controller-manager share in kcsim
// (kubernetes v1.32: pkg/controller/deployment/deployment_controller.go NewDeploymentController,
// pkg/controller/replicaset/replica_set.go NewBaseController): five workers
// (--concurrent-deployment-syncs, --concurrent-replicaset-syncs), no settings of their own, an
// informer on their own kind whose add, update and delete handlers all enqueue the object itself,
// and informers on the kinds they own, whose handlers are each controller's own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/watch_filter.hpp"

namespace kcsim::models {

class OwnerController : public Controller, public WatchFilter {
 public:
  /// `kind` is the controller's own kind; `owned_kinds` the kinds it also watches, in the order
  /// their informers are registered.
  OwnerController(World& world, std::string name, std::string kind, std::vector<std::string> owned_kinds);

  /// The watches (own kind first), then the informers' initial list: the objects of the own kind
  /// created before the watches were registered.
  void start() final;
  /// An event of the own kind is never ignored; others as ignores_owned says.
  bool ignores(const WatchEvent& event) const final;
  /// An event of the own kind enqueues the object; others go to on_owned_event.
  void on_watch_event(const WatchEvent& event) final;

 protected:
  /// The field manager of every write the controllers make: kube-controller-manager's user agent
  /// up to its first "/" (k8s.io/apiserver handlers managerOrUserAgent).
  static constexpr const char* kFieldManager = "kube-controller-manager";

  /// An event of an owned kind (`kind`, of `object`) that on_owned_event would do nothing with,
  /// told from the event alone (WatchFilter).
  virtual bool ignores_owned(const WatchEvent& event, const json& object, std::string_view kind) const = 0;
  virtual void on_owned_event(const WatchEvent& event, const json& object, std::string_view kind) = 0;

 private:
  std::string kind_;
  std::vector<std::string> owned_kinds_;
};

}  // namespace kcsim::models
