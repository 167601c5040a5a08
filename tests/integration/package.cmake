# Installation, Debian package, systemd unit, man pages (issue 9,
# operations). package_deb dpkg-installs the package into this system and
# purges it again: the normal build only (tools/check leaves the package
# label out of the sanitizer pass); without root or dpkg it says SKIP.
sso_itest(package_install TIMEOUT 120 LABELS install)
sso_itest(package_man TIMEOUT 60 LABELS doc)
sso_itest(package_systemd TIMEOUT 60 LABELS doc)
sso_itest(package_deb TIMEOUT 300 LABELS package)
