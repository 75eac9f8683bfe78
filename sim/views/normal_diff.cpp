// diff's normal output format (sim/views/normal_diff.hpp). Format: GNU diffutils manual,
// "Detailed Description of Normal Format"; POSIX diff, "Diff Default Output Format".
//
// Which lines a change covers, where several shortest edit scripts exist, is GNU diff's choice
// (diffutils 3.8 src/analyze.c and gnulib lib/diffseq.h, whose steps this follows in its own
// code): the identical leading and trailing lines are set aside (io.c find_identical_ends);
// lines with no equal in the other file are left out of the search and marked changed, except
// where too many lines that are frequent in the other file surround them
// (discard_confusing_lines); the rest is split recursively at the middle snake of Myers'
// bidirectional O(ND) search ("An O(ND) Difference Algorithm and Its Variations", 1986;
// diffseq.h diag and compareseq); finally each run of changed lines is slid to merge with its
// neighbours and, where it can, to line up with a change in the other file (shift_boundaries).
// The cost heuristics for very large or very different files (more than 4096 search steps) are
// not reproduced.
#include "normal_diff.hpp"

#include <climits>
#include <map>
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

// One side of the comparison: its lines as equivalence classes, and which are changed.
struct Side {
  std::vector<long> equiv;  // class of each line of the compared region
  std::vector<char> changed;
};

// discard_confusing_lines: 0 keep, 1 discard (no equal line in the other side), 2 discard only
// inside a run of discards (the line is frequent in the other side).
std::vector<char> discards_of(const Side& self, const Side& other) {
  std::map<long, long> count_in_other;
  for (long e : other.equiv) ++count_in_other[e];
  const long n = static_cast<long>(self.equiv.size());
  long many = 5;
  for (long tem = n / 64; (tem >>= 2) > 0;) many *= 2;
  std::vector<char> d(static_cast<std::size_t>(n), 0);
  for (long i = 0; i < n; ++i) {
    const auto it = count_in_other.find(self.equiv[static_cast<std::size_t>(i)]);
    const long matches = it == count_in_other.end() ? 0 : it->second;
    d[static_cast<std::size_t>(i)] = matches == 0 ? 1 : matches > many ? 2 : 0;
  }
  auto at = [&](long k) -> char& { return d[static_cast<std::size_t>(k)]; };
  for (long i = 0; i < n; ++i) {
    if (at(i) == 2) {
      at(i) = 0;  // a frequent line outside a run of discards is kept
      continue;
    }
    if (at(i) == 0) continue;
    // A run of discardable lines starting with a definite one; frequent lines at its end are kept.
    long j = i, provisional = 0;
    for (; j < n && at(j) != 0; ++j)
      if (at(j) == 2) ++provisional;
    while (j > i && at(j - 1) == 2) at(--j) = 0, --provisional;
    const long length = j - i;
    if (provisional * 4 > length) {
      for (long k = i; k < j; ++k)
        if (at(k) == 2) at(k) = 0;
    } else {
      // A run of frequent lines about sqrt(length / 4) long or longer is kept whole.
      long minimum = 1;
      for (long tem = length >> 2; (tem >>= 2) > 0;) minimum <<= 1;
      ++minimum;
      for (long k = 0, consec = 0; k < length; ++k) {
        if (at(i + k) != 2) consec = 0;
        else if (minimum == ++consec) k -= consec;
        else if (minimum < consec) at(i + k) = 0;
      }
      // Near either end of the run, frequent lines are kept until three definite discards in a
      // row (or one at least 8 lines in).
      for (long k = 0, consec = 0; k < length; ++k) {
        if (k >= 8 && at(i + k) == 1) break;
        if (at(i + k) == 2) consec = 0, at(i + k) = 0;
        else if (at(i + k) == 0) consec = 0;
        else ++consec;
        if (consec == 3) break;
      }
      i += length - 1;
      for (long k = 0, consec = 0; k < length; ++k) {
        if (k >= 8 && at(i - k) == 1) break;
        if (at(i - k) == 2) consec = 0, at(i - k) = 0;
        else if (at(i - k) == 0) consec = 0;
        else ++consec;
        if (consec == 3) break;
      }
    }
  }
  return d;
}

// The lines left to the search, and where each is in its side.
struct Kept {
  std::vector<long> equiv;
  std::vector<long> index;
};

class Search {
 public:
  Search(const Kept& x, const Kept& y, Side& sx, Side& sy) : x_(x), y_(y), sx_(sx), sy_(sy) {
    const std::size_t size = x.equiv.size() + y.equiv.size() + 3;
    fd_.assign(size, 0);
    bd_.assign(size, 0);
    off_ = static_cast<long>(y.equiv.size()) + 1;
  }

  // compareseq: the changes between x[xoff, xlim) and y[yoff, ylim).
  void compare(long xoff, long xlim, long yoff, long ylim) {
    while (xoff < xlim && yoff < ylim && X(xoff) == Y(yoff)) ++xoff, ++yoff;
    while (xlim > xoff && ylim > yoff && X(xlim - 1) == Y(ylim - 1)) --xlim, --ylim;
    if (xoff == xlim) {
      for (; yoff < ylim; ++yoff) sy_.changed[static_cast<std::size_t>(y_.index[static_cast<std::size_t>(yoff)])] = 1;
    } else if (yoff == ylim) {
      for (; xoff < xlim; ++xoff) sx_.changed[static_cast<std::size_t>(x_.index[static_cast<std::size_t>(xoff)])] = 1;
    } else {
      const auto [xmid, ymid] = middle_snake(xoff, xlim, yoff, ylim);
      compare(xoff, xmid, yoff, ymid);
      compare(xmid, xlim, ymid, ylim);
    }
  }

 private:
  long X(long i) const { return x_.equiv[static_cast<std::size_t>(i)]; }
  long Y(long i) const { return y_.equiv[static_cast<std::size_t>(i)]; }
  long& F(long d) { return fd_[static_cast<std::size_t>(d + off_)]; }
  long& B(long d) { return bd_[static_cast<std::size_t>(d + off_)]; }

  // diag: the forward and backward searches advance one edit step at a time, each diagonal
  // taken from high to low, until they overlap; that point splits the problem.
  std::pair<long, long> middle_snake(long xoff, long xlim, long yoff, long ylim) {
    const long dmin = xoff - ylim, dmax = xlim - yoff;
    const long fmid = xoff - yoff, bmid = xlim - ylim;
    long fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
    const bool odd = ((fmid - bmid) & 1) != 0;
    F(fmid) = xoff;
    B(bmid) = xlim;
    for (;;) {
      if (fmin > dmin) F(--fmin - 1) = -1;
      else ++fmin;
      if (fmax < dmax) F(++fmax + 1) = -1;
      else --fmax;
      for (long d = fmax; d >= fmin; d -= 2) {
        const long tlo = F(d - 1), thi = F(d + 1);
        const long x0 = tlo < thi ? thi : tlo + 1;
        long x = x0, y = x0 - d;
        while (x < xlim && y < ylim && X(x) == Y(y)) ++x, ++y;
        F(d) = x;
        if (odd && bmin <= d && d <= bmax && B(d) <= x) return {x, y};
      }
      if (bmin > dmin) B(--bmin - 1) = LONG_MAX;
      else ++bmin;
      if (bmax < dmax) B(++bmax + 1) = LONG_MAX;
      else --bmax;
      for (long d = bmax; d >= bmin; d -= 2) {
        const long tlo = B(d - 1), thi = B(d + 1);
        const long x0 = tlo < thi ? tlo : thi - 1;
        long x = x0, y = x0 - d;
        while (xoff < x && yoff < y && X(x - 1) == Y(y - 1)) --x, --y;
        B(d) = x;
        if (!odd && fmin <= d && d <= fmax && x <= F(d)) return {x, y};
      }
    }
  }

  const Kept& x_;
  const Kept& y_;
  Side& sx_;
  Side& sy_;
  std::vector<long> fd_, bd_;
  long off_ = 0;
};

// shift_boundaries: slides each run of changed lines of `self` back to merge with earlier runs,
// then forward as far as it goes (merging with later ones), and finally back to the last place
// where it lines up with a change in `other`.
void shift_boundaries(Side& self, const Side& other) {
  const long end = static_cast<long>(self.equiv.size());
  // changed[-1] and changed[end] are unchanged sentinels.
  auto ch = [&](long k) -> char { return k < 0 || k >= end ? 0 : self.changed[static_cast<std::size_t>(k)]; };
  auto set = [&](long k, char v) { self.changed[static_cast<std::size_t>(k)] = v; };
  const long other_end = static_cast<long>(other.equiv.size());
  auto och = [&](long k) -> char { return k < 0 || k >= other_end ? 0 : other.changed[static_cast<std::size_t>(k)]; };
  auto eq = [&](long k) { return self.equiv[static_cast<std::size_t>(k)]; };
  long i = 0, j = 0;
  for (;;) {
    while (i < end && !ch(i)) {
      while (och(j++)) {
      }
      ++i;
    }
    if (i == end) break;
    long start = i;
    while (ch(++i)) {
    }
    while (och(j)) ++j;
    long runlength = 0, corresponding = 0;
    do {
      runlength = i - start;
      while (start && eq(start - 1) == eq(i - 1)) {
        set(--start, 1);
        set(--i, 0);
        while (ch(start - 1)) --start;
        while (och(--j)) {
        }
      }
      corresponding = och(j - 1) ? i : end;
      while (i != end && eq(start) == eq(i)) {
        set(start++, 0);
        set(i++, 1);
        while (ch(i)) ++i;
        while (och(++j)) corresponding = i;
      }
    } while (runlength != i - start);
    while (corresponding < i) {
      set(--start, 1);
      set(--i, 0);
      while (och(--j)) {
      }
    }
  }
}

std::string range(std::size_t first, std::size_t last) {
  return first == last ? fmt::format("{}", first) : fmt::format("{},{}", first, last);
}

}  // namespace

std::string normal_diff(const std::string& text_a, const std::string& text_b) {
  const std::vector<std::string> a = lines_of(text_a), b = lines_of(text_b);
  // find_identical_ends: the common head and tail take no part.
  std::size_t lo = 0;
  while (lo < a.size() && lo < b.size() && a[lo] == b[lo]) ++lo;
  std::size_t hi_a = a.size(), hi_b = b.size();
  while (hi_a > lo && hi_b > lo && a[hi_a - 1] == b[hi_b - 1]) --hi_a, --hi_b;

  // Equivalence classes of the lines in between.
  std::map<std::string, long> classes;
  Side sa, sb;
  for (std::size_t k = lo; k < hi_a; ++k) sa.equiv.push_back(classes.emplace(a[k], static_cast<long>(classes.size())).first->second);
  for (std::size_t k = lo; k < hi_b; ++k) sb.equiv.push_back(classes.emplace(b[k], static_cast<long>(classes.size())).first->second);
  sa.changed.assign(sa.equiv.size(), 0);
  sb.changed.assign(sb.equiv.size(), 0);

  const std::vector<char> da = discards_of(sa, sb), db = discards_of(sb, sa);
  Kept ka, kb;
  for (std::size_t k = 0; k < sa.equiv.size(); ++k) {
    if (da[k]) sa.changed[k] = 1;
    else ka.equiv.push_back(sa.equiv[k]), ka.index.push_back(static_cast<long>(k));
  }
  for (std::size_t k = 0; k < sb.equiv.size(); ++k) {
    if (db[k]) sb.changed[k] = 1;
    else kb.equiv.push_back(sb.equiv[k]), kb.index.push_back(static_cast<long>(k));
  }
  Search(ka, kb, sa, sb).compare(0, static_cast<long>(ka.equiv.size()), 0, static_cast<long>(kb.equiv.size()));
  shift_boundaries(sa, sb);
  shift_boundaries(sb, sa);

  // The changes, each a run of changed lines on either side up to the next unchanged pair.
  std::string out;
  std::size_t i = 0, j = 0;
  const std::size_t na = sa.equiv.size(), nb = sb.equiv.size();
  while (i < na || j < nb) {
    if (i < na && j < nb && !sa.changed[i] && !sb.changed[j]) {
      ++i, ++j;
      continue;
    }
    const std::size_t i0 = i, j0 = j;
    while (i < na && sa.changed[i]) ++i;
    while (j < nb && sb.changed[j]) ++j;
    if (i == i0 && j == j0) break;  // cannot happen: the unchanged lines pair up
    const std::size_t first_a = lo + i0 + 1, last_a = lo + i, first_b = lo + j0 + 1, last_b = lo + j;
    if (j == j0) out += fmt::format("{}d{}\n", range(first_a, last_a), lo + j0);
    else if (i == i0) out += fmt::format("{}a{}\n", lo + i0, range(first_b, last_b));
    else out += fmt::format("{}c{}\n", range(first_a, last_a), range(first_b, last_b));
    for (std::size_t k = lo + i0; k < lo + i; ++k) out += "< " + a[k] + "\n";
    if (i != i0 && j != j0) out += "---\n";
    for (std::size_t k = lo + j0; k < lo + j; ++k) out += "> " + b[k] + "\n";
  }
  return out;
}

}  // namespace kcsim
