# libppp fuzz target (included from tests/fuzz/CMakeLists.txt, SSO_FUZZ)
sso_fuzz(fuzz_ppp SOURCES fuzz_ppp.c LIBS ppp RUNS 200000)
