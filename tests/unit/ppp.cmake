# libppp unit suites (included from tests/unit/CMakeLists.txt)
sso_cunit(test_ppp_fsm SOURCES test_ppp_fsm.c LIBS ppp)
sso_cunit(test_ppp_proto SOURCES test_ppp_proto.c LIBS ppp)
sso_cunit(test_aaa SOURCES test_aaa.c LIBS aaa)
