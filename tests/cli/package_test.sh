#!/usr/bin/env bash
# The Debian package (packaging/, scripts/package): cpack builds it from BUILD_DIR; its contents
# are listed and checked (binary, configuration and templates as conffiles, /etc/default, the
# unit, the README); the packaged configuration passes `check` and writes only to the state
# directory; and the unit passes `systemd-analyze verify` against the package's own files
# (its ExecStart binary must exist, so the unit is verified in a root holding the extracted
# package beside the system's units), with no warning.
# Usage: package_test.sh BUILD_DIR
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
build=$(cd "$1" && pwd)
need_command cpack
need_command dpkg-deb
need_command systemd-analyze
make_tmp package
begin_checks

(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || fail "cpack builds the package" "$tmp/cpack.log"
deb=$(ls "$tmp"/out/tilsyn_*.deb)
pass "cpack builds $(basename "$deb")"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/contents"
for path in /usr/bin/tilsyn /etc/tilsyn/tilsyn.yaml /etc/tilsyn/templates/reminder.txt \
    /etc/tilsyn/templates/escalation.txt /etc/default/tilsyn /lib/systemd/system/tilsyn.service \
    /usr/share/doc/tilsyn/README.md; do
    if grep -qx "$path" "$tmp/contents"; then pass "the package holds $path"; else fail "the package holds $path" "$tmp/contents"; fi
done

dpkg-deb -e "$deb" "$tmp/control"
if grep -qx /etc/tilsyn/tilsyn.yaml "$tmp/control/conffiles" &&
    grep -qx /etc/tilsyn/templates/reminder.txt "$tmp/control/conffiles" &&
    grep -qx /etc/default/tilsyn "$tmp/control/conffiles"; then
    pass "the configuration, the templates and /etc/default/tilsyn are conffiles (an upgrade keeps edits)"
else
    fail "conffiles" "$tmp/control/conffiles"
fi
if grep -q "adduser --system --group" "$tmp/control/postinst"; then
    pass "postinst creates the dedicated user tilsyn"
else
    fail "postinst creates the dedicated user" "$tmp/control/postinst"
fi
if grep -q '^Depends:.*libsoci' "$tmp/control/control" && grep -q '^Depends:.*adduser' "$tmp/control/control"; then
    pass "Depends lists the shared libraries (dpkg-shlibdeps) and adduser"
else
    fail "Depends" "$tmp/control/control"
fi

root="$tmp/root"
dpkg-deb -x "$deb" "$root"
if "$root/usr/bin/tilsyn" check --config "$root/etc/tilsyn/tilsyn.yaml" >"$tmp/check.out" 2>&1 &&
    grep -q 'transport: "file:/var/lib/tilsyn/mail"' "$root/etc/tilsyn/tilsyn.yaml"; then
    pass "the packaged configuration passes check and sends file mail to the state directory"
else
    fail "the packaged configuration" "$tmp/check.out"
fi

unit="$root/lib/systemd/system/tilsyn.service"
for setting in "User=tilsyn" "StateDirectory=tilsyn" "ProtectSystem=strict" "Restart=on-failure" \
    'ExecReload=/bin/kill -HUP $MAINPID' "NoNewPrivileges=yes"; do
    if grep -qxF "$setting" "$unit"; then pass "the unit says $setting"; else fail "the unit says $setting" "$unit"; fi
done
if grep -q '^ReadWritePaths=' "$unit"; then fail "the unit writes nowhere but its state directory" "$unit"; else pass "the unit writes nowhere but its state directory"; fi

# The system's units (targets the unit names) beside the package's files; /bin/kill for
# ExecReload.
mkdir -p "$root/bin"
cp -an /lib/systemd/system/. "$root/lib/systemd/system/"
cp /bin/kill "$root/bin/kill"
if systemd-analyze verify --man=no --root="$root" tilsyn.service >"$tmp/verify.out" 2>&1 && [[ ! -s $tmp/verify.out ]]; then
    pass "systemd-analyze verify passes the unit, without a warning"
else
    fail "systemd-analyze verify" "$tmp/verify.out"
fi
finish
