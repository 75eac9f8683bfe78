#!/bin/sh
# Builds kcsim and runs its main job or its tests, installing the Debian packages it needs first.
#   ./build.sh demo   build, then run the bundled main scenario and print its report
#   ./build.sh test   build with warnings as errors, then run the whole test suite
#   ./build.sh build  only build (build/kcsim)
set -eu
cd "$(dirname "$0")"

PACKAGES="cmake g++ make nlohmann-json3-dev libfmt-dev libboost-program-options-dev libboost-graph-dev libyaml-cpp-dev libgtest-dev libbenchmark-dev"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
fi

MAIN_SCENARIO=scenarios/kubectl-scale.json
[ -f scenarios/six-minute-loop.json ] && MAIN_SCENARIO=scenarios/six-minute-loop.json

case "${1:-demo}" in
  build)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j"$(nproc)" --target kcsim ;;
  demo)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j"$(nproc)" --target kcsim >&2
    ./build/kcsim run "$MAIN_SCENARIO" ;;
  test)
    cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=Release -DKCSIM_WERROR=ON >/dev/null
    cmake --build build-ci -j"$(nproc)"
    ctest --test-dir build-ci --output-on-failure -j"$(nproc)" ;;
  *)
    echo "usage: ./build.sh [demo|test|build]" >&2
    exit 2 ;;
esac
