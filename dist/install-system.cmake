# Included by the install script (cmake --install, cpack): the parts of the
# layout that depend on the install-time prefix. A package (prefix /usr)
# gets the systemd unit in lib/systemd/system and the configuration as a
# conffile in /etc/ssod; any other prefix gets both as examples only, so
# that an install under /usr/local never writes into /etc or systemd's
# directories. Inputs: _sso_src, _sso_bin, _sso_sbindir, _sso_examples.
set(SBINDIR "${CMAKE_INSTALL_PREFIX}/${_sso_sbindir}")
string(MAKE_C_IDENTIFIER "${CMAKE_INSTALL_PREFIX}" _sso_tag)
set(_sso_unit "${_sso_bin}/dist/${_sso_tag}/ssod@.service")
configure_file("${_sso_src}/dist/systemd/ssod@.service" "${_sso_unit}" @ONLY)
if(CMAKE_INSTALL_PREFIX MATCHES "^/usr/*$")
  file(INSTALL DESTINATION "/usr/lib/systemd/system" TYPE FILE
    FILES "${_sso_unit}")
  file(INSTALL DESTINATION "/etc/ssod" TYPE FILE
    FILES "${_sso_src}/etc/ssod.conf")
else()
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${_sso_examples}"
    TYPE FILE FILES "${_sso_unit}")
endif()
