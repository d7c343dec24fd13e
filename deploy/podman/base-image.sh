#!/usr/bin/env bash
# Makes a local base image for ccrouter's Dockerfile where Docker Hub is out of reach: Debian 12 (minbase, with curl
# and CA certificates) plus this machine's JDK 21+ and Maven, imported into podman under the name given.
#   export CONTAINERS_CONF=$PWD/deploy/podman/containers.conf
#   deploy/podman/base-image.sh localhost/ccrouter-base
#   podman build --format docker --network host --pull=never --build-arg BUILD_IMAGE=localhost/ccrouter-base \
#     --build-arg RUNTIME_IMAGE=localhost/ccrouter-base -t ccrouter .
# Needs root, debootstrap, podman and tar. JAVA_HOME names the JDK (default: the one `java` on the PATH belongs to);
# Maven is the `mvn` on the PATH. The Debian root filesystem is downloaded once (about 85 s) and kept as a tarball in
# ${XDG_CACHE_HOME:-~/.cache}/ccrouter, so later images take only the copy and the import (about 20 s).
set -euo pipefail
image=${1:?usage: base-image.sh IMAGE-NAME}

suite=bookworm
mirror=http://deb.debian.org/debian
packages=curl,ca-certificates
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ccrouter
debian=$cache/debian-$suite-minbase-${packages//,/-}.tar

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
maven_home=$(dirname "$(dirname "$(readlink -f "$(command -v mvn)")")")
[ -x "$java_home/bin/javac" ] || { echo "base-image.sh: no JDK at $java_home (set JAVA_HOME)" >&2; exit 1; }
[ -x "$maven_home/bin/mvn" ] || { echo "base-image.sh: no Maven found (mvn on the PATH)" >&2; exit 1; }

mkdir -p "$cache"
work=$(mktemp -d "$cache/podman-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
# One download at a time: a second run waits for the first one's tarball instead of fetching its own.
exec 9>"$cache/debian.lock"
flock 9
if [ ! -f "$debian" ]; then
  echo "base-image.sh: debootstrap $suite into $debian (once)" >&2
  if ! debootstrap --variant=minbase --include="$packages" "$suite" "$work/debian" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  fi
  tar -C "$work/debian" -cf "$work/debian.tar" . && mv "$work/debian.tar" "$debian"
  rm -rf "$work/debian"
fi
flock -u 9

rootfs=$work/rootfs
mkdir "$rootfs"
tar -C "$rootfs" -xf "$debian"
cp -a "$java_home" "$rootfs/opt/jdk"
# Debian's and Adoptium's packages make cacerts a link into /etc/ssl, which the image lacks: copy the file itself.
rm -f "$rootfs/opt/jdk/lib/security/cacerts"
cp -L "$java_home/lib/security/cacerts" "$rootfs/opt/jdk/lib/security/cacerts"
cp -aL "$maven_home" "$rootfs/opt/maven"
ln -s /opt/jdk/bin/java "$rootfs/usr/local/bin/java"
ln -s /opt/maven/bin/mvn "$rootfs/usr/local/bin/mvn"
tar -C "$rootfs" -c . | podman import --quiet --change "ENV JAVA_HOME=/opt/jdk" \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" - "$image" >/dev/null
echo "base-image.sh: made $image" >&2
