# The Twisted peer for the benchmark: twisted.web's Site with a leaf Resource answering
# "Hello, World!", on 127.0.0.1:<free port>. Prints "port <n>" once listening.
from twisted.internet import reactor
from twisted.web.resource import Resource
from twisted.web.server import Site


class Hello(Resource):
    isLeaf = True

    def render_GET(self, request):
        request.setHeader(b"content-type", b"text/plain")
        return b"Hello, World!"


site = Site(Hello())
# No access log: the other servers keep none either.
site.log = lambda request: None
port = reactor.listenTCP(0, site, interface="127.0.0.1")
print("port", port.getHost().port, flush=True)
# The reactor's own SIGINT/SIGTERM handlers stop it.
reactor.run()
