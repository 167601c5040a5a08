# issue 10: the LNS terminating PPP (subscribers), in network namespaces
add_executable(lns_lac lns_lac.c)
target_link_libraries(lns_lac PRIVATE l2tp ppp ev_lib)
sso_itest(lns_ppp TIMEOUT 300 LABELS netns)
sso_itest(lns_ppp_pair TIMEOUT 300 LABELS netns)
sso_itest(sub_crash_points TIMEOUT 400 LABELS "netns;campaign")
sso_itest(lns_peer TIMEOUT 600 LABELS netns)
sso_itest(bench_ppp_smoke TIMEOUT 400 LABELS netns)
sso_itest(lns_aaa TIMEOUT 300 LABELS netns)
# issue 12 acceptance 2: 100 tunnels x 10 PPP sessions with FreeRADIUS
# across every kind of switchover; the same events at 10 x 10 under the
# sanitizers
sso_itest(lns_ppp_sso TIMEOUT 400 LABELS netns)
if(SSO_SANITIZE)
  set_tests_properties(it_lns_ppp_sso PROPERTIES ENVIRONMENT SSO_TUNNELS=10)
endif()
sso_itest(ppp_tcp_kill TIMEOUT 200 LABELS netns)
# the main demo (tools/demo-lns), small: it keeps working
add_test(NAME it_demo_lns COMMAND ${PYTHON3}
  ${CMAKE_SOURCE_DIR}/tools/demo-lns --bin ${CMAKE_BINARY_DIR}/bin
  --tunnels 2 --sessions 5)
set_tests_properties(it_demo_lns PROPERTIES LABELS "integration;netns"
  TIMEOUT 200 RUN_SERIAL TRUE)
sso_itest(ppp_scale TIMEOUT 900 LABELS "netns;scale")
sso_itest(ppp_random_kill TIMEOUT 900 LABELS "netns;campaign")
sso_itest(lns_acct_sso TIMEOUT 200 LABELS netns)
sso_itest(lns_framed_sso TIMEOUT 200 LABELS netns)
