"""SMS: the gateway adapter, its webhook routes and the development stub gateway."""
