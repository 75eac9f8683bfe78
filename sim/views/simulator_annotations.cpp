// The object without the simulator's kcsim.io/* annotations (include/kcsim/views/simulator_annotations.hpp).
#include "kcsim/views/simulator_annotations.hpp"

#include <iterator>
#include <string>

#include "kcsim/k8s/well_known.hpp"
#include "kcsim/views/yaml_writer.hpp"

namespace kcsim {
namespace {

using json = nlohmann::json;

bool simulator_key(const std::string& key) { return key.rfind("kcsim.io/", 0) == 0 || key.rfind("f:kcsim.io/", 0) == 0; }

void drop_simulator_keys(json& annotations) {
  if (!annotations.is_object()) return;
  for (auto it = annotations.begin(); it != annotations.end();) it = simulator_key(it.key()) ? annotations.erase(it) : std::next(it);
}

void scrub_metadata(json& md, bool fields_v1) {
  if (!md.is_object()) return;
  const char* key = fields_v1 ? "f:annotations" : "annotations";
  if (!md.contains(key)) return;
  drop_simulator_keys(md[key]);
  if (md[key].is_object() && md[key].empty()) md.erase(key);
}

void scrub_object(json& o, bool fields_v1) {
  if (!o.is_object()) return;
  const char* metadata = fields_v1 ? "f:metadata" : "metadata";
  if (o.contains(metadata)) {
    scrub_metadata(o[metadata], fields_v1);
    if (fields_v1 && o[metadata].is_object() && o[metadata].empty()) o.erase(metadata);
  }
  json* tmpl = fields_v1 ? (o.contains("f:spec") && o["f:spec"].contains("f:template") ? &o["f:spec"]["f:template"] : nullptr)
                         : (o.contains("spec") && o["spec"].is_object() && o["spec"].contains("template") ? &o["spec"]["template"] : nullptr);
  if (tmpl && tmpl->is_object() && tmpl->contains(metadata)) {
    scrub_metadata((*tmpl)[metadata], fields_v1);
    if (fields_v1 && (*tmpl)[metadata].is_object() && (*tmpl)[metadata].empty()) tmpl->erase(metadata);
  }
}

}  // namespace

json without_simulator_annotations(const json& obj) {
  json o = obj;
  scrub_object(o, false);
  if (json* md = o.contains("metadata") ? &o["metadata"] : nullptr; md && md->is_object()) {
    if (md->contains("managedFields") && (*md)["managedFields"].is_array())
      for (json& entry : (*md)["managedFields"])
        if (entry.is_object() && entry.contains("fieldsV1")) scrub_object(entry["fieldsV1"], true);
    if (md->contains("annotations") && (*md)["annotations"].is_object() && (*md)["annotations"].contains(k8s::kLastAppliedConfigAnnotation) &&
        (*md)["annotations"][k8s::kLastAppliedConfigAnnotation].is_string()) {
      std::string& text = (*md)["annotations"][k8s::kLastAppliedConfigAnnotation].get_ref<std::string&>();
      const json applied = json::parse(text, nullptr, false);
      if (!applied.is_discarded() && applied.is_object()) {
        json cleaned = applied;
        scrub_object(cleaned, false);
        if (cleaned != applied) text = to_go_json_compact(cleaned) + (text.empty() || text.back() != '\n' ? "" : "\n");
      }
    }
  }
  return o;
}
}  // namespace kcsim
