# librad unit suite (included from tests/unit/CMakeLists.txt)
sso_cunit(test_radius SOURCES test_radius.c LIBS rad)
# no two files of librad call each other by name in a circle (STYLE.md 14)
add_test(NAME callgraph_radius COMMAND python3
  ${CMAKE_SOURCE_DIR}/tools/callgraph ${CMAKE_SOURCE_DIR}/l2tp/radius)
