"""
A throwaway certificate authority for TLS tests, made with ``trustme``.

``trustme`` is a test dependency (``pip install 'restwell[testing]'``), imported
only when a `LocalCA` is made, so ``restwell.testing`` imports without it.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

from restwell._exceptions import ConfigurationError

__all__ = ["LocalCA"]


class LocalCA:
    """
    A test CA, a server certificate for ``127.0.0.1``/``localhost`` and a client one.

    The PEM files are written under ``directory`` (a ``tmp_path``), so they can be
    passed to a client as ``verify=ca.ca_path`` and ``cert=ca.client_cert``.

    Args:
        directory: Where to write the PEM files (``str`` or path).

    Attributes:
        ca_path: The CA certificate (PEM), for ``verify=``.
        client_cert: ``(certfile, keyfile)`` of a client certificate the CA
            issued (for ``cert=``).

    Raises:
        ConfigurationError: If ``trustme`` is not installed (the message names
            the extra that brings it).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        try:
            import trustme
        except ImportError:
            raise ConfigurationError(
                "LocalCA needs trustme: pip install 'restwell[testing]'"
            ) from None
        base = os.fspath(directory)
        self._ca: Any = trustme.CA()
        self._server: Any = self._ca.issue_cert("127.0.0.1", "localhost")
        client: Any = self._ca.issue_cert("client.restwell.test")
        self.ca_path = os.path.join(base, "restwell-test-ca.pem")
        self._ca.cert_pem.write_to_path(self.ca_path)
        cert_path = os.path.join(base, "restwell-test-client.pem")
        key_path = os.path.join(base, "restwell-test-client.key")
        client.cert_chain_pems[0].write_to_path(cert_path)
        client.private_key_pem.write_to_path(key_path)
        self.client_cert = (cert_path, key_path)

    def server_context(
        self, *, require_client_cert: bool = False, alpn: tuple[str, ...] = ()
    ) -> ssl.SSLContext:
        """
        A server ``ssl.SSLContext`` with the ``127.0.0.1`` certificate.

        Args:
            require_client_cert: Require a client certificate this CA issued
                (mutual TLS). Default ``False``.
            alpn: ALPN protocols to offer (``("h2", "http/1.1")``). Default none.
        """
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server.configure_cert(context)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            self._ca.configure_trust(context)
        if alpn:
            context.set_alpn_protocols(list(alpn))
        return context
