"""Staff: accounts, sign-in, access, the staff API and consoles, and their live events."""
