# librad unit suite (included from tests/unit/CMakeLists.txt)
sso_cunit(test_radius SOURCES test_radius.c LIBS rad)
