sso_itest(netns_failover TIMEOUT 300 LABELS netns)
sso_itest(netns_fast_detect TIMEOUT 240 LABELS netns)
# the role-change hook's semantics on loopback (no namespaces needed)
add_test(NAME it_netns_notify_hook COMMAND ${PYTHON3}
  ${CMAKE_CURRENT_SOURCE_DIR}/netns/notify_hook.py --bin ${CMAKE_BINARY_DIR}/bin)
set_tests_properties(it_netns_notify_hook PROPERTIES
  LABELS "integration;netns" TIMEOUT 180 RUN_SERIAL TRUE)
sso_itest(netns_ppp_route TIMEOUT 300 LABELS netns)
