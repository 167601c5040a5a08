# LNS building blocks: JSON for any peer string, the TUN data path library
sso_itest(dp_json_hostname)
sso_itest(dp_tun TIMEOUT 120 LABELS netns)
