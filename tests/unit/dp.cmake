# LNS building blocks: libpool and libdp (included from tests/unit/CMakeLists.txt)
sso_cunit(test_pool SOURCES test_pool.c LIBS pool)
sso_cunit(test_dp SOURCES test_dp.c LIBS dp)
