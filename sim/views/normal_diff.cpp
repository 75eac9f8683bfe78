// diff's normal output format (sim/views/normal_diff.hpp). Format: GNU diffutils manual,
// "Detailed Description of Normal Format"; POSIX diff, "Diff Default Output Format".
#include "normal_diff.hpp"

#include <vector>

#include <fmt/format.h>

namespace kcsim {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Myers' greedy algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986) on
// a[lo_a, hi_a) and b[lo_b, hi_b): marks the lines of a that are deleted and of b that are
// inserted in one shortest edit script.
void shortest_edit(const std::vector<std::string>& a, std::size_t lo_a, std::size_t hi_a, const std::vector<std::string>& b,
                   std::size_t lo_b, std::size_t hi_b, std::vector<bool>& del, std::vector<bool>& ins) {
  const long n = static_cast<long>(hi_a - lo_a), m = static_cast<long>(hi_b - lo_b);
  const long max = n + m;
  if (max == 0) return;
  const long off = max + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  auto A = [&](long x) -> const std::string& { return a[lo_a + static_cast<std::size_t>(x)]; };
  auto B = [&](long y) -> const std::string& { return b[lo_b + static_cast<std::size_t>(y)]; };
  long found_d = -1;
  for (long d = 0; d <= max && found_d < 0; ++d) {
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[static_cast<std::size_t>(off + k - 1)] < v[static_cast<std::size_t>(off + k + 1)]))
                   ? v[static_cast<std::size_t>(off + k + 1)]
                   : v[static_cast<std::size_t>(off + k - 1)] + 1;
      long y = x - k;
      while (x < n && y < m && A(x) == B(y)) ++x, ++y;
      v[static_cast<std::size_t>(off + k)] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
  }
  // Walk back through the saved frontiers, marking each step off the diagonal.
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<std::size_t>(d)];
    const long k = x - y;
    const bool down = k == -d || (k != d && pv[static_cast<std::size_t>(off + k - 1)] < pv[static_cast<std::size_t>(off + k + 1)]);
    const long prev_k = down ? k + 1 : k - 1;
    const long prev_x = pv[static_cast<std::size_t>(off + prev_k)];
    const long prev_y = prev_x - prev_k;
    x = prev_x;
    y = prev_y;
    if (down) ins[lo_b + static_cast<std::size_t>(prev_y)] = true;
    else del[lo_a + static_cast<std::size_t>(prev_x)] = true;
  }
}

std::string range(std::size_t first, std::size_t last) {
  return first == last ? fmt::format("{}", first) : fmt::format("{},{}", first, last);
}

}  // namespace

std::string normal_diff(const std::string& text_a, const std::string& text_b) {
  const std::vector<std::string> a = lines_of(text_a), b = lines_of(text_b);
  std::size_t lo = 0;
  while (lo < a.size() && lo < b.size() && a[lo] == b[lo]) ++lo;
  std::size_t hi_a = a.size(), hi_b = b.size();
  while (hi_a > lo && hi_b > lo && a[hi_a - 1] == b[hi_b - 1]) --hi_a, --hi_b;
  std::vector<bool> del(a.size(), false), ins(b.size(), false);
  shortest_edit(a, lo, hi_a, b, lo, hi_b, del, ins);

  std::string out;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && !del[i] && !ins[j]) {
      ++i, ++j;
      continue;
    }
    const std::size_t i0 = i, j0 = j;
    // One change: every deleted and inserted line up to the next common line.
    while ((i < a.size() && del[i]) || (j < b.size() && ins[j])) {
      if (i < a.size() && del[i]) ++i;
      else ++j;
    }
    if (i == i0 && j == j0) break;  // cannot happen: unmatched lines are marked
    if (j == j0) out += fmt::format("{}d{}\n", range(i0 + 1, i), j0);
    else if (i == i0) out += fmt::format("{}a{}\n", i0, range(j0 + 1, j));
    else out += fmt::format("{}c{}\n", range(i0 + 1, i), range(j0 + 1, j));
    for (std::size_t k = i0; k < i; ++k) out += "< " + a[k] + "\n";
    if (i != i0 && j != j0) out += "---\n";
    for (std::size_t k = j0; k < j; ++k) out += "> " + b[k] + "\n";
  }
  return out;
}

}  // namespace kcsim
