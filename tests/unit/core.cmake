# configuration through the real grammar of the core and the L2TP service
sso_cunit(test_conf SOURCES test_conf.c LIBS l2tpsvc ssocore)
sso_cunit(test_render SOURCES test_render.c LIBS ssocore)
