#!/bin/sh
# loomftp launcher: runs the image's own Java runtime, never one from PATH or JAVA_HOME.
case "$0" in
  */*) bin="${0%/*}" ;;
  *) bin=. ;;
esac
cds=
if [ -f "$bin/../lib/loomftp.jsa" ]; then
  cds="-XX:SharedArchiveFile=$bin/../lib/loomftp.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
fi
exec "$bin/java" $cds $LOOMFTP_JAVA_OPTS -m @MODULE@/@MAIN_CLASS@ "$@"
