"""Free loopback ports.

    python3 -m support.ports     prints one
"""
import socket

LOOPBACK = "127.0.0.1"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice).

    Another process may take it before the caller binds it; tests that can let the program
    choose (`serve --listen 127.0.0.1:0`) should do that instead.
    """
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    print(free_port())
