// Paging of `kcsim serve`'s lists (docs/serve.md, "Paging"): `limit` and `continue`, as
// kube-apiserver serves them from etcd (apiserver pkg/storage/etcd3/store.go GetList,
// pkg/storage/continue.go), so that `kubectl get` (which asks 500 at a time) and client-go's pager
// see what a real cluster sends:
//  - a page holds at most `limit` objects that the selectors select, in list order; when objects
//    (selected or not) follow the last one, metadata.continue is a token for the rest and, with no
//    selector, metadata.remainingItemCount says how many follow;
//  - the token is etcd3's: base64url (unpadded) of {"v":"meta.k8s.io/v1","rv":RV,"start":KEY},
//    KEY the key after the last object sent ("NAME\u0000", or "NAMESPACE/NAME\u0000" across
//    namespaces); the next pages are the list at RV, as etcd keeps older revisions. kcsim keeps the
//    lists it has paged (ListSnapshots); a token whose list is no longer kept is answered as etcd
//    answers a compacted revision: 410 Expired with a token that continues at the current state
//    (rv -1, an "inconsistent" continue);
//  - a token that does not decode is a 400, "invalid continue token: continue key is not valid...".
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// What a continue token holds: the resourceVersion of the list (-1: the current one) and the
/// key to start from.
struct ContinueToken {
  std::int64_t resource_version = 0;
  std::string start;
};

/// The token's text (storage.EncodeContinue).
std::string encode_continue(const ContinueToken& token);

/// The token in `text`, or the error kube-apiserver gives after "invalid continue token: "
/// (storage.DecodeContinue: "continue key is not valid: ...").
std::variant<ContinueToken, std::string> decode_continue(const std::string& text);

/// The storage key of an object relative to the list's prefix: "NAME" within a namespace or for
/// a cluster-scoped kind, "NAMESPACE/NAME" across namespaces.
std::string list_key(const json& object, bool across_namespaces);

/// One page of a list.
struct ListPage {
  std::vector<ObjectPtr> items;
  std::uint64_t resource_version = 0;           // the list's
  std::string continue_token;                   // "" on the last page
  std::optional<std::int64_t> remaining;        // remainingItemCount, when set
};

/// The page of `all` (the whole list at `resource_version`, in list order, before selectors) from
/// the key `start` ("" for the first page) of at most `limit` objects `selected` selects.
/// `count_remaining`: no selector, so remainingItemCount is given.
ListPage list_page(const std::vector<ObjectPtr>& all, const std::function<bool(const json&)>& selected, bool across_namespaces,
                   const std::string& start, std::int64_t limit, std::int64_t resource_version, bool count_remaining);

/// The lists served in pages, kept so that their next pages are served at the resourceVersion
/// of the first (as etcd keeps the revisions a continue token reads). At most `capacity` lists;
/// the oldest is forgotten first, and its tokens then expire.
class ListSnapshots {
 public:
  explicit ListSnapshots(std::size_t capacity = 16) : capacity_(capacity) {}
  /// `scope` names the list (resource and namespace).
  void keep(const std::string& scope, std::int64_t resource_version, std::vector<ObjectPtr> objects);
  const std::vector<ObjectPtr>* find(const std::string& scope, std::int64_t resource_version) const;

 private:
  struct Snapshot {
    std::string scope;
    std::int64_t resource_version;
    std::vector<ObjectPtr> objects;
  };
  std::size_t capacity_;
  std::deque<Snapshot> kept_;
};

}  // namespace kcsim
