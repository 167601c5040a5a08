# ISSU (issue 13): two builds of this tree, ssod (N) and ssod-next (N+1)
sso_itest(issu_procedure TIMEOUT 240)
