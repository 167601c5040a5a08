# ISSU (issue 13): two real builds, N (the commit tests/integration/
# issu_base names, built once by tools/issu-base in the source tree's
# build-issu-base/, reused by every build directory and run) and N+1 (this
# tree's ssod). it_issu_base is the fixture that builds N and writes its
# path to issu-base.path here; the it_issu_* tests take N from that file
# (issuhelp.base()). No git history: HEAD's ssod-v1 stands in, said in
# the fixture's output.
add_test(NAME it_issu_base COMMAND ${CMAKE_COMMAND} -E env
  SSO_BIN=${CMAKE_BINARY_DIR}/bin
  ${CMAKE_SOURCE_DIR}/tools/issu-base -o ${CMAKE_BINARY_DIR}/issu-base.path
  ${CMAKE_SOURCE_DIR}/build-issu-base)
set_tests_properties(it_issu_base PROPERTIES LABELS integration
  TIMEOUT 900 FIXTURES_SETUP issu_base RUN_SERIAL TRUE)
foreach(t procedure abort compat kill l2tp change data ppp)
  if(t STREQUAL kill OR t STREQUAL l2tp)
    sso_itest(issu_${t} TIMEOUT 300)
  elseif(t STREQUAL ppp)
    # PPP subscribers through load/run/abort (namespaces, root)
    sso_itest(issu_${t} TIMEOUT 240 LABELS netns)
  else()
    sso_itest(issu_${t} TIMEOUT 240)
  endif()
  set_tests_properties(it_issu_${t} PROPERTIES FIXTURES_REQUIRED issu_base
    ENVIRONMENT SSO_ISSU_BASE_FILE=${CMAKE_BINARY_DIR}/issu-base.path)
endforeach()
