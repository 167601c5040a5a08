# sso-radtest: drives librad against real RADIUS servers (tests, demos)
add_executable(sso-radtest sso-radtest.c)
target_link_libraries(sso-radtest PRIVATE rad ev_lib)
