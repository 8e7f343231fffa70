"""WeChat official account: the adapter, its webhook routes and the sending window."""
