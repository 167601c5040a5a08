# libl2tp unit suites (included from tests/unit/CMakeLists.txt)
sso_cunit(test_l2tp_avp SOURCES test_l2tp_avp.c LIBS l2tp)
sso_cunit(test_l2tp_fsm SOURCES test_l2tp_fsm.c LIBS l2tp)
sso_cunit(test_l2tp_ctrl SOURCES test_l2tp_ctrl.c LIBS l2tp)
