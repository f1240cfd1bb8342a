#!/bin/sh
# loomftp launcher: runs the image's own Java runtime, never one from PATH or JAVA_HOME.
# It follows symbolic links to itself, so a link in /usr/local/bin works.
self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case "$link" in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
case "$self" in
  */*) bin=${self%/*} ;;
  *) bin=. ;;
esac
# The serial collector: loomftp's live heap is small (about 30 KiB a session), and with it the
# process keeps about 40% less memory than with G1 for 500 idle sessions, at the same transfer
# speed (see README). Choose another collector in LOOMFTP_JAVA_OPTS to override it.
gc=-XX:+UseSerialGC
case "$LOOMFTP_JAVA_OPTS" in
  *GC*) gc= ;;
esac
# Memory: the heap starts at 8 MiB and grows only as far as the live data needs, instead of at
# 1/64 of the machine's memory, all of whose young generation a server touches before its first
# collection; and the C library is asked every second to give back the memory that the JIT's
# work areas freed (a call that finds little to do once start-up is over): 14 MiB less PSS 5 s
# after the first login than with a 5 s interval (see README). Options in LOOMFTP_JAVA_OPTS come
# later on the command line, so they win.
mem="-Xms8m -XX:TrimNativeHeapInterval=1000"
# Compact object headers (JEP 519): 8 bytes a header instead of 12, and a session is mostly small
# objects: 10,000 idle sessions held 8.3 KiB each instead of 10.4 (see README).
headers=-XX:+UseCompactObjectHeaders
# The ahead-of-time cache the build trained (JEP 483, 515): classes loaded and linked, and the JIT's
# profiles, so a start and the first thousands of sessions run at speed. It serves only the serial
# collector and the compact headers it was made with; with others, the JVM starts without it,
# silently.
aot=
if [ -f "$bin/../lib/loomftp.aot" ]; then
  aot="-XX:AOTCache=$bin/../lib/loomftp.aot -Xlog:aot=off -Xlog:cds=off"
fi
# The modules jlink cannot link (the AWS SDK's jars, for mounts on object storage) are in lib/jars.
ext=
if [ -d "$bin/../lib/jars" ]; then
  ext="--module-path $bin/../lib/jars --add-modules ALL-MODULE-PATH,@JARS_NEED@"
fi
exec "$bin/java" $gc $mem $headers $ext $aot $LOOMFTP_JAVA_OPTS "-Dloomftp.command=$0" -m @MODULE@/@MAIN_CLASS@ "$@"
