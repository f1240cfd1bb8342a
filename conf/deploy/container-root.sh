#!/bin/sh
# Assembles the root file system of the loomftp container from the runtime image the build made
# (target/image) and the few C libraries it links to, taken from this machine: no base image and
# no download, so 'podman build' (or docker, buildah) works offline. Run from the project folder:
#   conf/deploy/container-root.sh [ROOT]        (default ROOT: target/container-root)
#   podman build -f conf/deploy/Containerfile -t loomftp .
# The folders the server writes are laid out apart, in ROOT-state, since COPY makes what it copies
# root's unless told otherwise, and the Containerfile copies them as user 1000's.
set -eu
image=target/image
root=${1:-target/container-root}
[ -x "$image/bin/java" ] || { echo "container-root.sh: build the image first: mvn package" >&2; exit 1; }
state=$root-state
rm -rf -- "$root" "$state"
mkdir -p "$root/opt" "$root/etc/loomftp" "$root/var/lib" "$root/var/log" "$root/run" "$root/tmp" "$root/bin" \
  "$root/usr/local/bin" "$state/var/lib/loomftp" "$state/var/log/loomftp" "$state/run/loomftp"
cp -a "$image" "$root/opt/loomftp"
cp conf/deploy/loomftp.json "$root/etc/loomftp/loomftp.json"
# The launcher is a POSIX shell script that follows links to itself: a shell and readlink.
cp -L "$(command -v dash || command -v sh)" "$root/bin/sh"
cp -L "$(command -v readlink)" "$root/bin/readlink"
ln -s /opt/loomftp/bin/loomftp "$root/usr/local/bin/loomftp"
# Every library that an executable or a library of the image, the shell or readlink needs, at the
# path the dynamic loader looks for it; the image's own are found inside it.
for file in $(find "$root/opt/loomftp" "$root/bin" -type f \( -name '*.so' -o -perm -u+x \)); do
  ldd "$file" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u | while read -r library; do
  case "$library" in
    "$root"/*|*/opt/loomftp/*|*"$image"/*) ;;
    *) mkdir -p "$root$(dirname "$library")" && cp -L "$library" "$root$library" ;;
  esac
done
# A user of its own, 1000, which owns the writable folders; root for nothing but the files.
printf 'root:x:0:0:root:/root:/bin/sh\nloomftp:x:1000:1000:loomftp:/var/lib/loomftp:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nloomftp:x:1000:\n' > "$root/etc/group"
chown 1000:1000 "$state/var/lib/loomftp" "$state/var/log/loomftp" "$state/run/loomftp"
chmod 1777 "$root/tmp"
echo "container-root.sh: $root ($(du -sh "$root" | cut -f1)) and $state"
