#!/usr/bin/env bash
# Builds the Debian package target/outflux_<version>_all.deb with dpkg-deb (no network needed once
# the jar is built): the jar in /usr/share/outflux, the launcher /usr/bin/outflux, the configs
# /etc/outflux/{client,server}.json and cluster.xml and the JVM options /etc/default/outflux (all
# conffiles), systemd units for both roles, an 'outflux' system user owning /var/spool/outflux, and
# the docs, the Telegraf example, the Grafana dashboard and the Prometheus rules under
# /usr/share/doc/outflux. Usage: scripts/package.sh   (OUTFLUX_JAR: a jar to package instead of target/outflux.jar)
set -euo pipefail
cd "$(dirname "$0")/.."

JAR="${OUTFLUX_JAR:-target/outflux.jar}"
if [[ ! -f "$JAR" ]]; then
  echo "package: $JAR not found; building it (mvn -B package -DskipTests)" >&2
  mvn -B package -DskipTests
fi
command -v dpkg-deb >/dev/null || { echo "package: dpkg-deb is missing (apt-get install dpkg)" >&2; exit 2; }

# 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (sorts before 0.1.0, as Debian versions should)
VERSION="$(unzip -p "$JAR" outflux-build.properties | sed -n 's/^version=//p' | tr - '~')"
[[ -n "$VERSION" ]] || { echo "package: no version in $JAR" >&2; exit 2; }
STAGE="target/deb/outflux_${VERSION}_all"
DEB="target/outflux_${VERSION}_all.deb"
rm -rf "$STAGE" && mkdir -p "$STAGE/DEBIAN"

install -D -m 0644 "$JAR" "$STAGE/usr/share/outflux/outflux.jar"
install -D -m 0755 bin/outflux "$STAGE/usr/share/outflux/bin/outflux"
mkdir -p "$STAGE/usr/bin" && ln -s ../share/outflux/bin/outflux "$STAGE/usr/bin/outflux"
install -D -m 0640 conf/client.json "$STAGE/etc/outflux/client.json"
install -D -m 0640 conf/server.json "$STAGE/etc/outflux/server.json"
install -D -m 0644 conf/cluster.xml "$STAGE/etc/outflux/cluster.xml"
install -D -m 0644 conf/outflux.defaults "$STAGE/etc/default/outflux"
sed -i 's|^#OUTFLUX_CONF_DIR=.*|OUTFLUX_CONF_DIR=/etc/outflux|' "$STAGE/etc/default/outflux"
install -D -m 0644 conf/outflux-client.service "$STAGE/lib/systemd/system/outflux-client.service"
install -D -m 0644 conf/outflux-server.service "$STAGE/lib/systemd/system/outflux-server.service"
DOC="$STAGE/usr/share/doc/outflux"
install -D -m 0644 README.md "$DOC/README.md"
for f in docs/*.md; do install -D -m 0644 "$f" "$DOC/$(basename "$f")"; done
install -D -m 0644 conf/telegraf.conf "$DOC/examples/telegraf.conf"
install -D -m 0644 deploy/grafana/outflux-dashboard.json "$DOC/examples/grafana/outflux-dashboard.json"
install -D -m 0644 deploy/prometheus/outflux-alerts.yml "$DOC/examples/prometheus/outflux-alerts.yml"
printf 'outflux\nCopyright: the outflux authors\n' > "$DOC/copyright"
mkdir -p "$STAGE/var/spool/outflux"

cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: outflux
Version: $VERSION
Architecture: all
Section: net
Priority: optional
Maintainer: outflux <outflux@localhost>
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless | openjdk-17-jre-headless | openjdk-21-jre-headless, adduser
Recommends: telegraf
Installed-Size: $(du -sk "$STAGE" | cut -f1)
Description: edge-to-central InfluxDB syncer
 outflux tails the line-protocol spool Telegraf writes at an edge site and
 syncs it, in batches or streaming, to an outflux server next to the central
 InfluxDB, which admits clients by their InfluxDB credentials. One jar, two
 roles (outflux client, outflux server), systemd units for both.
CONTROL

cat > "$STAGE/DEBIAN/conffiles" <<'CONFFILES'
/etc/outflux/client.json
/etc/outflux/server.json
/etc/outflux/cluster.xml
/etc/default/outflux
CONFFILES

cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# outflux: the system user owning the spool, and the units known to systemd (not enabled: configure first)
set -e
if [ "$1" = configure ]; then
  if ! getent passwd outflux >/dev/null; then
    adduser --system --group --home /var/spool/outflux --no-create-home --gecos "outflux syncer" outflux >/dev/null
  fi
  # Telegraf writes the spool, outflux reads it and removes what is synced: both in the outflux group
  if getent passwd telegraf >/dev/null; then
    adduser telegraf outflux >/dev/null 2>&1 || true
  fi
  chown outflux:outflux /var/spool/outflux
  chmod 2770 /var/spool/outflux
  # the configs may hold passwords: readable by root and the service only
  chown root:outflux /etc/outflux/client.json /etc/outflux/server.json
  chmod 0640 /etc/outflux/client.json /etc/outflux/server.json
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
  fi
fi
exit 0
POSTINST

cat > "$STAGE/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
# outflux: stop the services before their files go (a stopping client flushes and writes its checkpoint)
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop outflux-client.service outflux-server.service >/dev/null 2>&1 || true
fi
exit 0
PRERM

cat > "$STAGE/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
# outflux: the spool (unsynced data!) and the user stay on purge; remove them by hand once synced
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
POSTRM
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/prerm" "$STAGE/DEBIAN/postrm"

dpkg-deb --root-owner-group -Zgzip -z1 --build "$STAGE" "$DEB" >&2
echo "$DEB"
