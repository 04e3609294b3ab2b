"""moto's server, handling one request at a time.

moto runs a DynamoDB transaction without isolation and undoes a failed one by restoring a copy
of the tables it touched, which erases whatever other requests wrote meanwhile; its conditional
writes are not atomic across threads either. On AWS each request is atomic, so the local stack
and the tests serialize requests to behave the same way. Connections stay concurrent.

usage: python moto_serial.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class OneAtATime:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # The whole response is produced under the lock.
            return list(self.app(environ, start_response))


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        host,
        port,
        OneAtATime(app),
        threaded=True,
        use_reloader=False,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
