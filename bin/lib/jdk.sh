# Sourced by bin/koboldj and bin/test: finds a JDK 25 and exports JAVA_HOME, or explains how to get one.

# Reads the JDK's release file rather than starting a JVM: this runs before every start.
java_feature_version() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* \
                   /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* /opt/java/openjdk; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(java_feature_version "$candidate")" = 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk25); then
  echo "koboldj needs JDK 25 and found none: install Temurin 25 (e.g. 'apt-get install temurin-25-jdk' from Adoptium's apt repository) or set JAVA_HOME to a JDK 25." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries use sun.misc.Unsafe; keep JDK 25's warning about it out of the output.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
