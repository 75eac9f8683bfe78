// kubectl's table layout: text/tabwriter with minwidth 6, tabwidth 4, padding 3, padding by
// spaces (k8s.io/cli-runtime/pkg/printers/tabwriter.go GetNewTabWriter).
#pragma once

#include <string>
#include <vector>

namespace kcsim {

/// The width Go's text/tabwriter gives a cell: its UTF-8 runes (code points), not its bytes.
std::size_t rune_width(const std::string& s);

/// Renders rows (the first is the header) as kubectl does: every column but the last padded to
/// max(widest cell + 3, 6); trailing cells not padded; '\n' after each row.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace kcsim
