sso_itest(netns_failover TIMEOUT 300 LABELS netns)
