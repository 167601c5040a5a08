# l2tp-peer and what runs on it (tools, L2TP HA and reliability issues)
sso_itest(l2tp_peer_smoke TIMEOUT 120 LABELS l2tp)
sso_itest(bench_smoke TIMEOUT 240 LABELS l2tp)
sso_itest(l2tp_churn_kill TIMEOUT 600 LABELS l2tp)
# 200 SIGKILLs under churn: the normal build only (tools/check skips the
# campaign label under ASan, where it would take most of CI's budget)
sso_itest(random_kill TIMEOUT 900 LABELS "l2tp;campaign")
# 10,000 tunnels x 10 sessions: the normal build only (label scale)
sso_itest(l2tp_scale TIMEOUT 900 LABELS "l2tp;scale")
# show l2tp session streamed at 10,000 tunnels x 10 sessions (issue 15
# acceptance 3): the normal build only (label scale)
sso_itest(l2tp_show_stream TIMEOUT 900 LABELS "l2tp;scale")
# issue 10: l2tp-peer --ppp against l2tpns + FreeRADIUS in namespaces
sso_itest(ppp_l2tpns TIMEOUT 300 LABELS "l2tp;ppp")
# issue 10 acceptance 3, 5: l2tp-peer --ppp / --tun against ssod as LNS
sso_itest(ppp_ssod TIMEOUT 300 LABELS "l2tp;ppp")
