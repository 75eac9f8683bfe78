#include "kcsim/views/table.hpp"

#include <algorithm>

namespace kcsim {

std::size_t rune_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;  // not a continuation byte: a new rune
  return n;
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c + 1 < row.size(); ++c) widths[c] = std::max(widths[c], rune_width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += row[c];
      if (c + 1 < row.size()) out.append(std::max<std::size_t>(widths[c] + 3, 6) - rune_width(row[c]), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace kcsim
