"""Web chat: the adapter (frames and sockets) and its HTTP and websocket routes."""
