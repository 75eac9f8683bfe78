#include "pod_template_hash.hpp"

namespace kcsim::models {

std::uint32_t fnv1a32(std::string_view bytes, std::uint32_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string safe_encode_string(std::string_view text) {
  static constexpr std::string_view kAlphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(text.size(), ' ');
  for (std::size_t i = 0; i < text.size(); ++i)
    out[i] = kAlphanums[static_cast<unsigned char>(text[i]) % kAlphanums.size()];
  return out;
}

std::string compute_pod_template_hash(const nlohmann::json& pod_template,
                                      std::optional<std::int64_t> collision_count) {
  std::uint32_t h = fnv1a32(pod_template.dump());
  if (collision_count) {
    // controller_utils.go: binary.LittleEndian.PutUint32 into an 8-byte buffer, all 8 written.
    const auto c = static_cast<std::uint32_t>(*collision_count);
    char bytes[8] = {static_cast<char>(c & 0xff), static_cast<char>((c >> 8) & 0xff),
                     static_cast<char>((c >> 16) & 0xff), static_cast<char>((c >> 24) & 0xff),
                     0, 0, 0, 0};
    h = fnv1a32(std::string_view(bytes, 8), h);
  }
  return safe_encode_string(std::to_string(h));
}

}  // namespace kcsim::models
