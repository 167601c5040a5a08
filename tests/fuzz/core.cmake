sso_fuzz(fuzz_frame SOURCES fuzz_frame.c LIBS ssocore RUNS 200000)
set_target_properties(fuzz_frame PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_BINARY_DIR}/tests)
