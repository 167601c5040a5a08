# l2tp-peer: strict L2TP LAC emulator / load generator (tools issue)
add_executable(l2tp-peer l2tp-peer.c)
target_link_libraries(l2tp-peer PRIVATE l2tp)
