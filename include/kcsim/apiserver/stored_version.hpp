// A stored version as a client receives it. The API server keeps each version's
// metadata.managedFields beside its document rather than in it (sim/apiserver/stored_version.cpp):
// the controllers of a run read objects by the million and never their managedFields, which are
// about half of an object in memory. Views that print objects (`kcsim kubectl`, `kcsim serve`)
// and readers of field ownership (Argo CD's managedFieldsManagers) ask for them here.
#pragma once

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// The version with metadata.managedFields in place, exactly as the API server wrote them (the
/// same pointer when the version has none kept beside it, or is not the API server's).
ObjectPtr with_managed_fields(const ObjectPtr& version);

/// Whether the version keeps managedFields beside its document (with_managed_fields would add them).
bool has_managed_fields_beside(const ObjectPtr& version);

}  // namespace kcsim
