# Sourced by bin/koboldj: JDK 25's ahead-of-time cache (JEP 483, 514, 515) of koboldj's classes,
# loaded and linked, with the method profiles of a real run.
#
# A start that finds no cache records what it loads (-XX:AOTMode=record); its JVM writes the
# recording when it ends (~3 s). The next start assembles the cache from that recording in the
# background, at the lowest priority, and starts without it; every later start maps the cache.
# Beside the dynamic class-data archive used before, the cache held all ~6,300 classes a start
# loads, bundle classes included, already linked: the first streamed token of the 125M shape came
# ~0.6 s sooner with ~0.8 s less CPU. A cache older than the build is dropped: the JVM would refuse
# it for its changed jars. One the JVM cannot use (other JVM options) it ignores in silence.

# aot_options INSTALL SERVER_START JVM_OPTION... : prints the JVM options of this start
# (SERVER_START is 1 for a server's start, 0 for --help or --version, which only use a cache), with
# -Dkoboldj.aot naming what this start does about the cache, for --debug's start-up stages.
aot_options() {
  local install="$1" server="$2"
  shift 2
  local cache="$install/koboldj.aot"
  local quiet="-Xlog:aot=off -Xlog:cds=off"
  local built
  for built in "$cache" "$install"/koboldj.aotconf.*; do
    if [ -f "$built" ] && [ -n "$(find "$install/.built" "$install/lib" -newer "$built" -print -quit)" ]; then
      rm -f "$built"
    fi
  done
  # a recording is named by the pid of the JVM that writes it: finished once that process is gone
  local recording
  for recording in "$install"/koboldj.aotconf.*; do
    [ -f "$recording" ] && ! kill -0 "${recording##*.}" 2>/dev/null || continue
    if [ -f "$cache" ]; then
      rm -f "$recording"   # a second first start's, not needed now
    elif [ "$server" = 1 ]; then
      aot_assemble "$install" "$recording" "$@"
      echo "-Dkoboldj.aot=assembling"
      return 0
    fi
  done
  if [ -f "$cache" ]; then
    echo "-XX:AOTCache=$cache $quiet -Dkoboldj.aot=use"
    return 0
  fi
  [ "$server" = 1 ] || return 0
  # a recording still being made: this start runs without either
  compgen -G "$install/koboldj.aotconf.*" >/dev/null && { echo "-Dkoboldj.aot=recorded-elsewhere"; return 0; }
  # bin/koboldj execs the JVM, which keeps this shell's pid; without DisplayVMOutput the JVM would
  # print where it wrote the recording as it stops
  echo "-XX:AOTMode=record -XX:AOTConfiguration=$install/koboldj.aotconf.$$ $quiet -XX:-DisplayVMOutput -Dkoboldj.aot=record"
}

# Builds the cache from a finished recording, detached from this start's output; one at a time.
aot_assemble() {
  local install="$1" recording="$2"
  shift 2
  local partial="$install/koboldj.aot.$$"
  (
    flock -n 9 || exit 0
    [ -f "$recording" ] || exit 0
    if nice -n 19 "$JAVA_HOME/bin/java" "$@" -XX:AOTMode=create -XX:AOTConfiguration="$recording" \
         -XX:AOTCache="$partial" -Xlog:aot=off -Xlog:cds=off -cp "$install/lib/*"; then
      mv -f "$partial" "$install/koboldj.aot"
    fi
    # a recording that could not be assembled (cut short by a kill) is recorded again next time
    rm -f "$recording" "$partial"
  ) 9>"$install/koboldj.aot.lock" </dev/null >/dev/null 2>&1 &
}
