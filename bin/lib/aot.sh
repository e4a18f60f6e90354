# Sourced by bin/koboldj (and bin/lib/aot-assemble): JDK 25's ahead-of-time cache (JEP 483, 514,
# 515) of koboldj's classes, loaded and linked, with the method profiles of a real run.
#
# A start that finds no cache records what it loads (-XX:AOTMode=record); its JVM writes the
# recording when it ends (~3 s). The next start assembles the cache from that recording in the
# background, at the lowest priority, and starts without it; every later start maps the cache.
# Beside the dynamic class-data archive used before, the cache held all ~6,300 classes a start
# loads, bundle classes included, already linked: the first streamed token came ~0.35 s sooner
# (125M and 400M shapes, medians of interleaved starts) with ~0.8 s less CPU. A cache older than
# the build is dropped: the JVM would refuse it for its changed jars.

AOT_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# the JVM's messages about the cache: a cache it cannot use (other JVM options) it then ignores in silence
AOT_QUIET="-Xlog:aot=off -Xlog:cds=off"

# aot_cache INSTALL : the cache file of an installation
aot_cache() {
  echo "$1/koboldj.aot"
}

# aot_orphaned FILE : whether the process named by FILE's pid suffix (a recording's JVM, an
# assembler writing a partial cache) is gone
aot_orphaned() {
  [ -f "$1" ] && ! kill -0 "${1##*.}" 2>/dev/null
}

# aot_options INSTALL SERVER_START JVM_OPTION... : prints the JVM options of this start
# (SERVER_START is 1 for a server's start, 0 for --help or --version, which only use a cache), with
# -Dkoboldj.aot naming what this start does about the cache, for --debug's start-up stages.
aot_options() {
  local install="$1" server="$2"
  shift 2
  local cache file
  cache="$(aot_cache "$install")"
  for file in "$cache" "$install"/koboldj.aotconf.*; do
    if [ -f "$file" ] && [ -n "$(find "$install/.built" "$install/lib" -newer "$file" -print -quit)" ]; then
      rm -f "$file"
    fi
  done
  # an assembler killed (the machine stopped) before it could remove its partial cache
  for file in "$install"/koboldj.aot.[0-9]*; do
    aot_orphaned "$file" && rm -f "$file"
  done
  # a recording is finished once its JVM is gone
  for file in "$install"/koboldj.aotconf.*; do
    aot_orphaned "$file" || continue
    if [ -f "$cache" ]; then
      rm -f "$file"   # a second first start's, not needed now
    elif [ "$server" = 1 ]; then
      # a session of its own: a terminal's Ctrl-C, or a kill of the server's process group, leaves it to finish
      setsid "$AOT_LIB/aot-assemble" "$install" "$file" "$@" </dev/null >/dev/null 2>&1 &
      echo "-Dkoboldj.aot=assembling"
      return 0
    fi
  done
  if [ -f "$cache" ]; then
    echo "-XX:AOTCache=$cache $AOT_QUIET -Dkoboldj.aot=use"
    return 0
  fi
  [ "$server" = 1 ] || return 0
  # a recording still being made: this start runs without either
  compgen -G "$install/koboldj.aotconf.*" >/dev/null && { echo "-Dkoboldj.aot=recorded-elsewhere"; return 0; }
  # bin/koboldj execs the JVM, which keeps this shell's pid; without DisplayVMOutput the JVM would
  # print where it wrote the recording as it stops. JDK 25.0.3 crashes writing a recording once
  # classes of an updated bundle were unloaded (SIGSEGV in can_be_verified_at_dumptime, every time
  # after three updates and a GC), so the recording run keeps them: their memory, for one run.
  echo "-XX:AOTMode=record -XX:AOTConfiguration=$install/koboldj.aotconf.$$ -XX:-ClassUnloading $AOT_QUIET -XX:-DisplayVMOutput -Dkoboldj.aot=record"
}
