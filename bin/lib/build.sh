# Sourced by bin/koboldj and bin/test: decides whether the build is out of date and runs Maven quietly.

BUILD_STAMP="$ROOT/distribution/target/koboldj/.built"
BUILD_LOG="$ROOT/distribution/target/build.log"

build_is_stale() {
  [ -f "$BUILD_STAMP" ] || return 0
  local newer
  newer=$(cd "$ROOT" && find . \( -name target -o -name .git -o -name node_modules \) -prune -o \
            \( -name pom.xml -o -name '*.bnd' -o -path '*/src/main/*' \) -newer "$BUILD_STAMP" -print -quit)
  [ -n "$newer" ]
}

build_quietly() {
  mkdir -p "$(dirname "$BUILD_LOG")"
  echo "koboldj: building (Maven; the first build downloads dependencies and takes a few minutes; log: ${BUILD_LOG#$ROOT/})" >&2
  if ! (cd "$ROOT" && mvn -B -q -DskipTests package) >"$BUILD_LOG" 2>&1; then
    tail -n 40 "$BUILD_LOG" >&2
    echo "koboldj: the build failed; the whole log is in ${BUILD_LOG}" >&2
    exit 1
  fi
}
