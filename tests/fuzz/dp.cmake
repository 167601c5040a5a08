# libdp fuzz target (included from tests/fuzz/CMakeLists.txt, SSO_FUZZ)
sso_fuzz(fuzz_dp SOURCES fuzz_dp.c LIBS dp RUNS 200000)
set_target_properties(fuzz_dp PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_BINARY_DIR}/tests)
