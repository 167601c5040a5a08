# libl2tp fuzz targets (included from tests/fuzz/CMakeLists.txt, SSO_FUZZ)
sso_fuzz(fuzz_l2tp_packet SOURCES fuzz_l2tp_packet.c LIBS l2tp RUNS 200000)
