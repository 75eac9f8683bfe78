#include "kcsim/k8s/image_name.hpp"

namespace kcsim::k8s {

ImageName parse_image_name(std::string_view image) {
  ImageName n;
  std::string_view rest = image;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    n.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  const auto last_slash = rest.rfind('/');
  if (auto colon = rest.rfind(':');
      colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    n.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  const auto first_slash = rest.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, first_slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      n.domain = std::string(first);
      n.path = std::string(rest.substr(first_slash + 1));
      return n;
    }
  }
  n.domain = "docker.io";
  n.path = first_slash == std::string_view::npos ? "library/" + std::string(rest) : std::string(rest);
  return n;
}

std::string ImageName::normalized() const {
  std::string out = repository();
  if (!tag.empty())
    out += ":" + tag;
  else if (digest.empty())
    out += ":latest";
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string default_pull_policy(std::string_view image) {
  const ImageName n = parse_image_name(image);
  if (n.tag == "latest" || (n.tag.empty() && n.digest.empty())) return "Always";
  return "IfNotPresent";
}

}  // namespace kcsim::k8s
