# librad fuzz target (included from tests/fuzz/CMakeLists.txt, SSO_FUZZ)
sso_fuzz(fuzz_radius SOURCES fuzz_radius.c LIBS rad RUNS 200000)
