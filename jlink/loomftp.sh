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
cds=
if [ -f "$bin/../lib/loomftp.jsa" ]; then
  cds="-XX:SharedArchiveFile=$bin/../lib/loomftp.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
fi
exec "$bin/java" $cds $LOOMFTP_JAVA_OPTS "-Dloomftp.command=$0" -m @MODULE@/@MAIN_CLASS@ "$@"
