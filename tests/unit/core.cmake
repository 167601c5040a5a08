# configuration through the real grammar of the core and the L2TP service
sso_cunit(test_conf SOURCES test_conf.c LIBS l2tpsvc ssocore)
# no two files of core/ call each other by name in a circle (STYLE.md 14)
add_test(NAME callgraph_core COMMAND python3
  ${CMAKE_SOURCE_DIR}/tools/callgraph ${CMAKE_SOURCE_DIR}/core)
# nor the L2TP service (ha*.c, svc.c and the rest of l2tp/svc)
add_test(NAME callgraph_l2tp_svc COMMAND python3
  ${CMAKE_SOURCE_DIR}/tools/callgraph ${CMAKE_SOURCE_DIR}/l2tp/svc)
# and the L2TP engine: l2tp.c -> tunnel.c -> session.c -> ctrl.c -> ctx.c
add_test(NAME callgraph_l2tp_engine COMMAND python3
  ${CMAKE_SOURCE_DIR}/tools/callgraph ${CMAKE_SOURCE_DIR}/l2tp/engine)
# libppp: the protocols call down to link.c, up to ppp.c's phases only
# through its table; and the small libraries beside it
add_test(NAME callgraph_l2tp_ppp COMMAND python3
  ${CMAKE_SOURCE_DIR}/tools/callgraph ${CMAKE_SOURCE_DIR}/l2tp/ppp
  ${CMAKE_SOURCE_DIR}/l2tp/pool ${CMAKE_SOURCE_DIR}/l2tp/dp
  ${CMAKE_SOURCE_DIR}/l2tp/aaa)
# two units in one process over an in-memory transport (pair.c)
sso_cunit(test_rf SOURCES test_rf.c pair.c LIBS ssocore)
sso_cunit(test_cf SOURCES test_cf.c pair.c LIBS ssocore)
sso_cunit(test_render SOURCES test_render.c LIBS ssocore)
# the kv client codec across message versions (ISSU: v1 and v2)
sso_cunit(test_kv SOURCES test_kv.c LIBS ssokv ssocore)
