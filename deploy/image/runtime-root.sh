#!/usr/bin/env bash
# Assembles the file tree that the container image has under the application: a Java runtime linked with jlink
# from the build's JDK (>= 21), the few glibc libraries it needs, copied from this machine, and the files a
# non-root process expects in /etc. Jib adds the tree as one layer on the empty `scratch` base (ledger-server's
# `image` profile), so no base image is pulled from any registry.
#
#   deploy/image/runtime-root.sh OUT_DIR EXEC_JAR
#
# What can go wrong, and fails the build instead of shipping a broken image:
# - a dependency of the jar needs a JDK module the runtime does not have (jdeps finds it; add it to MODULES);
# - a native library of the runtime needs a shared library that is not copied (ldd finds it; add it to LIBS).
set -euo pipefail

OUT="${1:?usage: runtime-root.sh OUT_DIR EXEC_JAR}"
EXEC_JAR="${2:?usage: runtime-root.sh OUT_DIR EXEC_JAR}"
JDK="${JAVA_HOME:?JAVA_HOME must point at a JDK 21 or newer}"

# The modules of the runtime: what `jdeps --print-module-deps` finds in the jar's classes and libraries (checked
# below at every build), plus modules that are only reached through service loading or reflection: extra
# charsets (database encodings), DNS for JNDI, the zip file system, extended socket options.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.net.http,java.prefs,java.scripting,java.security.jgss,\
java.security.sasl,java.sql.rowset,jdk.jfr,jdk.management,jdk.unsupported,jdk.charsets,jdk.naming.dns,jdk.net,jdk.zipfs
# Native libraries of java.desktop that only a graphical program loads (X11, sound, splash screen): the server
# runs headless, so their dependencies (libX11, libasound, ...) are not in the image.
DESKTOP_LIBS='libawt_xawt.so|libjawt.so|libjsound.so|libsplashscreen.so'
# glibc, as the JDK's own libraries need it (libdl, libpthread and librt are stubs since glibc 2.34, still linked),
# libgcc_s for thread unwinding, and the name-service modules that /etc/nsswitch.conf names.
LIB_DIR=/lib/x86_64-linux-gnu
LIBS="libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1 libnss_files.so.2 libnss_dns.so.2 libresolv.so.2"
LOADER=/lib64/ld-linux-x86-64.so.2
USER_ID=65532   # the image's user, `ledger` (the id distroless images use for their non-root user)

die() { echo "runtime-root: $*" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || die "only x86_64 (linux/amd64) is supported, this is $(uname -m)"
[ -f "$EXEC_JAR" ] || die "no $EXEC_JAR: package ledger-server first"
EXEC_JAR="$(realpath "$EXEC_JAR")"

# 1. Every module the jar's code refers to is in MODULES.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && "$JDK/bin/jar" -xf "$EXEC_JAR" BOOT-INF)
needed="$("$JDK/bin/jdeps" -q --ignore-missing-deps --multi-release 21 --print-module-deps \
  --class-path "$scratch/BOOT-INF/lib/*" "$scratch/BOOT-INF/classes" "$scratch"/BOOT-INF/lib/*.jar)"
missing="$(comm -23 <(tr ',' '\n' <<<"$needed" | sort -u) <(tr ',' '\n' <<<"$MODULES" | sort -u))"
[ -z "$missing" ] || die "the jar needs JDK modules the runtime lacks: $missing (add them to MODULES in $0)"

# 2. The runtime, under /opt/java.
rm -rf "$OUT"
mkdir -p "$OUT/opt" "$OUT$LIB_DIR" "$OUT/lib64" "$OUT/etc" "$OUT/tmp"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress zip-6 \
  --output "$OUT/opt/java"

# 3. The shared libraries, and a check that every library the runtime links (but the desktop ones) is there.
for lib in $LIBS; do cp -L "$LIB_DIR/$lib" "$OUT$LIB_DIR/$lib"; done
cp -L "$LOADER" "$OUT$LOADER"
while IFS= read -r elf; do
  while read -r dep; do
    [ -e "$OUT$LIB_DIR/$dep" ] || [ -n "$(find "$OUT/opt/java/lib" -name "$dep" -print -quit)" ] \
      || die "$elf needs $dep, which the image lacks (add it to LIBS in $0)"
  done < <(ldd "$elf" | awk '/=>/ {n=$1; sub(".*/", "", n); print n}')
done < <(find "$OUT/opt/java" -type f \( -path '*/bin/*' -o -name '*.so' \) | grep -Ev "/($DESKTOP_LIBS)\$")

# 4. Who the user is, and how names are looked up (Docker and Kubernetes mount /etc/hosts and /etc/resolv.conf).
cat > "$OUT/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
ledger:x:$USER_ID:$USER_ID:Credit Ledger:/tmp:/sbin/nologin
PASSWD
cat > "$OUT/etc/group" <<GROUP
root:x:0:
ledger:x:$USER_ID:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$OUT/etc/nsswitch.conf"
echo "runtime-root: $(du -sh "$OUT" | cut -f1) in $OUT (modules: $MODULES)" >&2
