# L2TP interoperability and scale tests (issue 3 acceptance 2, 3, 5)
sso_itest(l2tp_xl2tpd TIMEOUT 240 LABELS l2tp)
sso_itest(l2tp_tshark TIMEOUT 180 LABELS l2tp)
sso_itest(l2tp_xl2tpd_ha TIMEOUT 300 LABELS l2tp)
