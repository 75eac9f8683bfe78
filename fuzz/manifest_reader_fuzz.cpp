// Fuzz target: the manifest reader behind `kcsim import`, `explain` and `lint`
// (include/kcsim/k8s/manifest_parser.hpp, include/kcsim/scenario/manifest_reader.hpp). Every
// input is read twice, as a YAML file and as a JSON file (the reader chooses by file name), and
// each manifest read is then taken apart the way import does it (leaf fields, server fields
// stripped, positions looked up).
#include "fuzz_support.hpp"
#include "kcsim/scenario/manifest_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  const std::string text = fuzz::text_of(data, size);
  for (const char* file : {"fuzz.yaml", "fuzz.json"}) {
    fuzz::expect_only_input_errors([&] {
      std::vector<ReadWarning> warnings;
      for (const Manifest& m : parse_manifests(text, file, warnings)) {
        for (const std::string& field : leaf_fields(m.object)) (void)m.where(field);
        (void)strip_server_fields(m.object);
        (void)has_server_fields(m.object);
        (void)m.document_label();
        (void)m.ref();
      }
      for (const ReadWarning& w : warnings) (void)w.str();
    });
  }
  return 0;
}
