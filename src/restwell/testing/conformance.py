"""
The transport conformance suite: run restwell's transport checks on your transport.

Subclass ``AsyncTransportConformance`` (or ``TransportConformance`` for a sync
transport) in a pytest module and define ``make_transport(self, options)``; pytest
then runs every check against real servers on 127.0.0.1 that the suite starts
itself (only ``pytest`` is needed; the TLS checks also need ``trustme``:
``pip install 'restwell[testing]'``, and are skipped without it)::

    from restwell.testing.conformance import AsyncTransportConformance
    from restwell.transports import TransportOptions


    class TestMyTransport(AsyncTransportConformance):
        supports = frozenset({"verify"})  # the client options it honours
        decodes = frozenset({"gzip", "deflate"})  # the codings it decodes

        def make_transport(self, options: TransportOptions) -> MyTransport:
            return MyTransport(verify=options.verify)

The async checks are marked ``anyio`` (anyio's pytest plugin ships with anyio,
a restwell dependency) and run on asyncio. ``docs/transports.md`` lists every
check, what it holds a transport to, and the known differences of the built-in
transports.

Also here, for tests of your own: ``TLSTerminator`` (``https://`` in front of a
``FaultServer``), ``H2Server`` (HTTP/2 and HTTP/1.1 by ALPN over TLS, with
``H2Request`` records; needs ``h2``: ``pip install 'restwell[http2]'``),
``ForwardProxy`` (CONNECT and absolute-form, loopback only),
``LocalCA`` (a trustme CA with certificates for 127.0.0.1 and a client), and
``wait_closed(server, what)``.
"""

from restwell._async._conformance import AsyncTransportConformance, wait_closed
from restwell._public import set_public_module
from restwell._sync._conformance import TransportConformance
from restwell.testing._h2_server import H2Request, H2Server
from restwell.testing._relay import ForwardProxy, ProxiedRequest, TLSTerminator
from restwell.testing._tls import LocalCA

__all__ = [
    "AsyncTransportConformance",
    "ForwardProxy",
    "H2Request",
    "H2Server",
    "LocalCA",
    "ProxiedRequest",
    "TLSTerminator",
    "TransportConformance",
    "wait_closed",
]

set_public_module(globals())
