"""Networking for anyio (the anyio-net distribution); public names are reached as ``anyio.<name>``."""

from ._datagram import create_connected_udp_socket as create_connected_udp_socket
from ._datagram import (
    create_connected_unix_datagram_socket as create_connected_unix_datagram_socket,
)
from ._datagram import create_udp_socket as create_udp_socket
from ._datagram import create_unix_datagram_socket as create_unix_datagram_socket
from ._resolve import getaddrinfo as getaddrinfo
from ._resolve import getnameinfo as getnameinfo
