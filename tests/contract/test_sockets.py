"""The contract tier talks to the app in process only."""

import socket

import pytest
from pytest_socket import SocketBlockedError


def test_contract_tier_cannot_open_network_sockets() -> None:
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
