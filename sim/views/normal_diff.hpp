// The output of `diff FILE1 FILE2` in its default ("normal") format, which `argocd app diff`
// shows: argo-cd util/cli/cli.go PrintDiff writes the live and the target YAML to two files and
// runs `diff LIVE TARGET` (KUBECTL_EXTERNAL_DIFF unset). Private to sim/views.
#pragma once

#include <string>

namespace kcsim {

/// GNU diffutils' normal format of the line difference from `a` to `b` (each a text whose lines
/// end with "\n"): for each change, "3c3", "5,6d4" or "7a8,9", then the removed lines as
/// "< line", "---" when both sides have lines, and the added lines as "> line". Empty when the
/// texts are equal. Where several shortest edit scripts exist, the one GNU diff 3.8 prints
/// (normal_diff.cpp says how); its speed-ups for very large, very different files are not
/// reproduced.
std::string normal_diff(const std::string& a, const std::string& b);

}  // namespace kcsim
