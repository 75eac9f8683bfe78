// Hold-model benchmark (the classic hold model; docs/performance.md): N pending events; each
// processed event schedules one more at now + an exponential increment. The engine (4-ary heap,
// lazy-cancel timers, virtual dispatch to an Agent) runs beside a bare 4-ary heap loop of POD
// events, the physical floor: their ratio is the engine's framework overhead.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "kcsim/core/engine.hpp"
#include "kcsim/core/random.hpp"

namespace {

// Pre-drawn increments (mean 100 µs) so that RNG cost is outside both loops.
const std::vector<std::int64_t>& increments() {
  static const std::vector<std::int64_t> v = [] {
    kcsim::RandomStream rng(42, "bench");
    std::vector<std::int64_t> r(1 << 16);
    for (auto& x : r) x = static_cast<std::int64_t>(rng.exponential(100.0)) + 1;
    return r;
  }();
  return v;
}

struct HoldAgent final : kcsim::Agent {
  kcsim::Engine* engine = nullptr;
  std::size_t i = 0;
  void on_event(std::uint32_t kind, std::uint64_t payload) override {
    const auto& inc = increments();
    engine->schedule_after(kcsim::Duration{inc[i++ & 0xFFFF]}, this, kind, payload);
  }
};

void BM_EngineHold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  kcsim::Engine engine;
  HoldAgent agent;
  agent.engine = &engine;
  const auto& inc = increments();
  for (std::size_t k = 0; k < n; ++k)
    engine.schedule_at(kcsim::SimTime{kcsim::Duration{inc[k & 0xFFFF]}}, &agent, 0, k);
  for (auto _ : state) engine.step();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineHold)->Arg(1024)->Arg(65536);

// The floor: the same hold loop on a bare implicit 4-ary heap of 24-byte POD events, no agents,
// no timers (rewritten from the QuadHeap of a design-time benchmark not kept in this repository).
struct Ev {
  std::int64_t t;
  std::uint64_t seq;
  std::uint32_t target, kind;
};
inline bool before(const Ev& a, const Ev& b) { return a.t < b.t || (a.t == b.t && a.seq < b.seq); }

struct BareQuadHeap {
  std::vector<Ev> h;
  void push(const Ev& e) {
    std::size_t i = h.size();
    h.push_back(e);
    while (i > 0) {
      const std::size_t p = (i - 1) / 4;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }
  Ev pop() {
    const Ev top = h[0];
    const Ev last = h.back();
    h.pop_back();
    const std::size_t n = h.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      const std::size_t c = 4 * i + 1;
      if (c >= n) break;
      std::size_t best = c;
      const std::size_t end = c + 4 < n ? c + 4 : n;
      for (std::size_t k = c + 1; k < end; ++k)
        if (before(h[k], h[best])) best = k;
      if (!before(h[best], last)) break;
      h[i] = h[best];
      i = best;
    }
    h[i] = last;
    return top;
  }
};

void BM_BareQuadHeapHold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  BareQuadHeap q;
  q.h.reserve(n + 1);
  const auto& inc = increments();
  std::uint64_t seq = 0;
  for (std::size_t k = 0; k < n; ++k) q.push(Ev{inc[k & 0xFFFF], seq++, 0, 0});
  std::size_t i = 0;
  for (auto _ : state) {
    const Ev e = q.pop();
    benchmark::DoNotOptimize(e);
    q.push(Ev{e.t + inc[i++ & 0xFFFF], seq++, e.target, e.kind});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareQuadHeapHold)->Arg(1024)->Arg(65536);

// Timer churn: re-arming a timer before it fires (lazy cancellation leaves stale entries that
// are skipped on pop), as the controllers' requeues do.
void BM_EngineTimerRearm(benchmark::State& state) {
  kcsim::Engine engine;
  HoldAgent agent;
  agent.engine = &engine;
  std::vector<kcsim::TimerHandle> timers;
  for (int k = 0; k < 1024; ++k) timers.push_back(engine.make_timer());
  const auto& inc = increments();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& t = timers[i & 1023];
    engine.arm(t, engine.now() + kcsim::Duration{inc[i & 0xFFFF]}, &agent, 0);
    if ((i & 3) == 0) engine.step();
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineTimerRearm);

}  // namespace
