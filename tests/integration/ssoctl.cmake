# ssoctl and the command language (issue 9 items 5, 10, 22, 25, 26)
sso_itest(ssoctl_cli)
sso_itest(readonly_socket)
