# libl2tp fuzz targets (included from tests/fuzz/CMakeLists.txt, SSO_FUZZ)
sso_fuzz(fuzz_l2tp_packet SOURCES fuzz_l2tp_packet.c LIBS l2tp RUNS 200000)
# the L2TP checkpoint records of both message versions (ISSU, ha_msgver.c)
sso_fuzz(fuzz_ckpt SOURCES fuzz_ckpt.c LIBS l2tpsvc ssocore RUNS 50000)
set_target_properties(fuzz_ckpt PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_BINARY_DIR}/tests)
