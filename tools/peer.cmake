# l2tp-peer: strict L2TP peer (LAC load generator, LNS reflector) on libl2tp;
# its PPP client is libppp (client role), --tun uses libdp
add_executable(l2tp-peer l2tp-peer.c l2tp-peer-lac.c l2tp-peer-lns.c
  l2tp-peer-data.c l2tp-peer-ppp.c l2tp-peer-tun.c l2tp-peer-echo.c)
target_link_libraries(l2tp-peer PRIVATE l2tp ev_lib ppp dp)
