# librad against a real FreeRADIUS (issue 11): sso-radtest, radclient
sso_itest(radius_freeradius TIMEOUT 240 LABELS radius)
