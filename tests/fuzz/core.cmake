sso_fuzz(fuzz_frame SOURCES fuzz_frame.c LIBS ssocore RUNS 200000)
set_target_properties(fuzz_frame PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_BINARY_DIR}/tests)
# configuration files through the registered grammar (issue 9 item 1)
sso_fuzz(fuzz_config SOURCES fuzz_config.c LIBS l2tpsvc ssocore RUNS 50000)
set_target_properties(fuzz_config PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_BINARY_DIR}/tests)
