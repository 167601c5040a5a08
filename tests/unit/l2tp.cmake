# libl2tp unit suites (included from tests/unit/CMakeLists.txt)
sso_cunit(test_l2tp_avp SOURCES test_l2tp_avp.c LIBS l2tp)
sso_cunit(test_l2tp_fsm SOURCES test_l2tp_fsm.c LIBS l2tp)
sso_cunit(test_l2tp_ctrl SOURCES test_l2tp_ctrl.c LIBS l2tp)
sso_cunit(test_l2tp_4951 SOURCES test_l2tp_4951.c LIBS l2tp)
sso_cunit(test_l2tp_ha SOURCES test_l2tp_ha.c LIBS l2tpsvc ssocore)
# the checkpoint client's message versions (ISSU: v1 and v2, ha_msgver.c)
sso_cunit(test_l2tp_ckpt SOURCES test_l2tp_ckpt.c LIBS l2tpsvc ssocore)
sso_cunit(test_sub_acctq SOURCES test_sub_acctq.c LIBS l2tpsvc ssocore)
# the subscriber checkpoint record (sub_codec.c) around a live PPP session
sso_cunit(test_sub_codec SOURCES test_sub_codec.c ppp_b2b.c
  LIBS l2tpsvc ppp ssocore)
