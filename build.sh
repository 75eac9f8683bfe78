#!/bin/sh
# Builds kcsim and runs its main job or its tests, installing the Debian packages it needs first.
#   ./build.sh demo   build, then run the bundled main scenario and print its report
#   ./build.sh test   build with warnings as errors, then run the whole test suite; then again
#                     under ASan+UBSan but for the scenarios' byte comparisons (KCSIM_CI_SANITIZE=0
#                     skips); then 30 s of each fuzz target
#                     where clang++-14 and libclang-rt-14-dev are installed (KCSIM_CI_FUZZ=0 skips)
#   ./build.sh build  only build (build/kcsim)
#   ./build.sh digests  regenerate scenarios/digests.txt and tests/golden/digests.txt (golden digests)
set -eu
cd "$(dirname "$0")"

# What building kcsim needs; the tests, benchmarks, browser checks and notebooks need the rest.
BUILD_PACKAGES="cmake g++ make nlohmann-json3-dev libfmt-dev libboost-dev libboost-program-options-dev libboost-graph-dev libyaml-cpp-dev libyaml-dev libre2-dev pkg-config libmimalloc-dev libssl-dev"
TEST_PACKAGES="libgtest-dev libbenchmark-dev chromium jupyter-nbconvert python3-nbclient python3-ipykernel python3-pandas python3-matplotlib python3-kubernetes"

# Installs the Debian packages of $1 that are missing (apt-get, as root or through sudo).
install_packages() {
  missing=""
  for p in $1; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
  fi
}

MAIN_SCENARIO=scenarios/kubectl-scale.json
[ -f scenarios/six-minute-loop.json ] && MAIN_SCENARIO=scenarios/six-minute-loop.json

case "${1:-demo}" in
  build)
    install_packages "$BUILD_PACKAGES"
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKCSIM_BUILD_TESTS=OFF -DKCSIM_BUILD_BENCH=OFF >/dev/null
    cmake --build build -j"$(nproc)" --target kcsim ;;
  demo)
    install_packages "$BUILD_PACKAGES"
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKCSIM_BUILD_TESTS=OFF -DKCSIM_BUILD_BENCH=OFF >/dev/null
    cmake --build build -j"$(nproc)" --target kcsim >&2
    ./build/kcsim run "$MAIN_SCENARIO" ;;
  test)
    install_packages "$BUILD_PACKAGES $TEST_PACKAGES"
    cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=Release -DKCSIM_WERROR=ON >/dev/null
    cmake --build build-ci -j"$(nproc)"
    ctest --test-dir build-ci --output-on-failure -j"$(nproc)"
    # The same suite under AddressSanitizer + UBSan (docs/reliability.md); KCSIM_CI_SANITIZE=0 skips it.
    if [ "${KCSIM_CI_SANITIZE:-1}" != 0 ]; then
      # -O1: the usual sanitizer level (fast to compile, readable reports, tests still quick).
      cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -g1" -DKCSIM_WERROR=ON \
            -DKCSIM_SANITIZE=ON -DKCSIM_BUILD_BENCH=OFF >/dev/null
      cmake --build build-asan -j"$(nproc)"
      # Every test but the scenarios' determinism and digest runs and the golden corpus: each
      # scenario still runs under the sanitizers (scenario.NAME.check, with --verify); comparing
      # bytes again is the Release build's job.
      ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -E '^(scenario[.].*[.](deterministic|digest)|golden[.].*)$'
    fi
    # 30 s of libFuzzer per target when clang is present (issue #9): clang++-14 and
    # libclang-rt-14-dev, which build.sh does not install (docs/reliability.md, Fuzzing). A third
    # build of the whole of kcsim; KCSIM_CI_FUZZ=0 skips it.
    if [ "${KCSIM_CI_FUZZ:-1}" != 0 ] && command -v clang++-14 >/dev/null &&
       ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
      cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=None \
            "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" -DKCSIM_FUZZ=ON -DKCSIM_BUILD_TESTS=OFF \
            -DKCSIM_BUILD_BENCH=OFF >/dev/null
      cmake --build build-fuzz -j"$(nproc)" --target fuzz_duration fuzz_scenario_loader fuzz_scenario_run \
            fuzz_manifest_reader fuzz_vary_path fuzz_expectations fuzz_kubectl_edit fuzz_merge
      ctest --test-dir build-fuzz --output-on-failure -j"$(nproc)" -L fuzz
    fi ;;
  digests)
    # Regenerates scenarios/digests.txt and tests/golden/digests.txt (docs/reliability.md): commit
    # them saying why outputs changed.
    install_packages "$BUILD_PACKAGES"
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKCSIM_BUILD_TESTS=OFF -DKCSIM_BUILD_BENCH=OFF >/dev/null
    cmake --build build -j"$(nproc)" --target kcsim >&2
    cmake -DKCSIM=build/kcsim -P tests/scenario/update_digests.cmake
    cmake -DKCSIM=build/kcsim -DUPDATE=ON -P tests/golden/golden.cmake ;;
  *)
    echo "usage: ./build.sh [demo|test|build|digests]" >&2
    exit 2 ;;
esac
