"""Networking for anyio (the anyio-net distribution); public names are reached as ``anyio.<name>``.

Modules: ``_common`` (the socket helpers every socket object uses), ``_stream``
(TCP and UNIX streams), ``_listener`` (listeners), ``_connect`` (connecting,
Happy Eyeballs, TLS), ``_connectable`` (connectables), ``_adopt`` (the
``from_socket()`` constructors), ``_datagram`` (UDP and UNIX datagrams) and
``_resolve`` (name resolution).
"""

from . import _adopt  # noqa: F401 - registers the from_socket() adopters
from ._connect import connect_tcp as connect_tcp
from ._connect import connect_unix as connect_unix
from ._connectable import TCPConnectable as TCPConnectable
from ._connectable import UNIXConnectable as UNIXConnectable
from ._connectable import as_connectable as as_connectable
from ._datagram import create_connected_udp_socket as create_connected_udp_socket
from ._datagram import (
    create_connected_unix_datagram_socket as create_connected_unix_datagram_socket,
)
from ._datagram import create_udp_socket as create_udp_socket
from ._datagram import create_unix_datagram_socket as create_unix_datagram_socket
from ._listener import create_tcp_listener as create_tcp_listener
from ._listener import create_unix_listener as create_unix_listener
from ._resolve import getaddrinfo as getaddrinfo
from ._resolve import getnameinfo as getnameinfo
