// Container image references as the kubelet and the API server's defaulting read them.
#pragma once

#include <string>
#include <string_view>

namespace kcsim::k8s {

struct ImageName {
  std::string domain;  // "docker.io" unless the first path component names a registry
  std::string path;    // "library/nginx"
  std::string tag;     // "" when absent
  std::string digest;  // "sha256:..." or ""

  /// The fully qualified form a containerd node reports in containerStatuses[].image
  /// ("nginx" → "docker.io/library/nginx:latest"), as docker/distribution reference
  /// ParseNormalizedNamed + TagNameOnly do.
  std::string normalized() const;
  /// The repository without tag or digest ("docker.io/library/nginx"), for imageID.
  std::string repository() const { return domain + "/" + path; }
};

/// Parses "nginx", "nginx:1.25", "ghcr.io/org/app:v1", "repo@sha256:...". A first component with
/// a "." or ":" or equal to "localhost" is a registry; Docker Hub names get "library/".
ImageName parse_image_name(std::string_view image);

/// The imagePullPolicy the API server fills in when a container has none
/// (kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Container): "Always" for the tag
/// "latest" or no tag and no digest, "IfNotPresent" otherwise.
std::string default_pull_policy(std::string_view image);

}  // namespace kcsim::k8s
