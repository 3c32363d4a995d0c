#!/usr/bin/env bash
# Makes fsnap_VERSION_all.deb from the release archive, with dpkg-deb, where it is at hand:
#
#   build-deb.sh ARCHIVE VERSION OUT-DIR
#
# The archive's tree goes to /usr/share/fsnap (bin/fsnap finds lib/fsnap.jar beside it), /usr/bin/fsnap
# links to its launcher, the manual pages (compressed), the completion and the systemd units go where
# Debian keeps them. Architecture "all": the jar carries jffi's stubs for x86_64 and aarch64.
set -euo pipefail
archive=$1 version=$2 out=$3
if ! command -v dpkg-deb >/dev/null; then
    echo "build-deb.sh: no dpkg-deb here: no .deb made (the .tar.gz is the release)" >&2
    exit 0
fi
deb_version="${version/-SNAPSHOT/~snapshot}"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/usr/share/fsnap" "$stage/usr/bin" "$stage/usr/share/man/man1" \
    "$stage/usr/share/bash-completion/completions" "$stage/lib/systemd/system" "$stage/DEBIAN" \
    "$stage/usr/share/doc/fsnap"
tar -xzf "$archive" -C "$stage/usr/share/fsnap" --strip-components=1
ln -s ../share/fsnap/bin/fsnap "$stage/usr/bin/fsnap"
for page in "$stage"/usr/share/fsnap/share/man/man1/*.1; do
    gzip -9n < "$page" > "$stage/usr/share/man/man1/$(basename "$page").gz"
done
cp "$stage/usr/share/fsnap/share/bash-completion/completions/fsnap" "$stage/usr/share/bash-completion/completions/"
sed 's|/usr/local/bin/fsnap|/usr/bin/fsnap|' "$stage/usr/share/fsnap/share/fsnap/systemd/fsnap-check@.service" \
    > "$stage/lib/systemd/system/fsnap-check@.service"
cp "$stage/usr/share/fsnap/share/fsnap/systemd/fsnap-check@.timer" "$stage/lib/systemd/system/"
mv "$stage/usr/share/fsnap/README" "$stage/usr/share/doc/fsnap/README"
rm -rf "$stage/usr/share/fsnap/share"
size=$(du -sk "$stage/usr" "$stage/lib" | awk '{s += $1} END {print s}')
cat > "$stage/DEBIAN/control" <<CONTROL
Package: fsnap
Version: $deb_version
Architecture: all
Maintainer: fsnap developers <fsnap-dev@example.invalid>
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless | java-runtime-headless (>= 17)
Installed-Size: $size
Section: admin
Priority: optional
Description: file metadata at native speed, and what changed in a filesystem
 fsnap scans large trees (NFS NAS exports included) at the speed of the kernel's
 own calls, keeps snapshots with Merkle hashes, and reports what was added,
 removed, modified, moved, unreadable or corrupt since the last run: a nightly
 integrity check with a repository of snapshots, metrics for Prometheus and a
 systemd timer (fsnap-check@ROOT.timer).
CONTROL
mkdir -p "$out"
dpkg-deb --root-owner-group --build "$stage" "$out/fsnap_${deb_version}_all.deb" >/dev/null
echo "build-deb.sh: $out/fsnap_${deb_version}_all.deb"
