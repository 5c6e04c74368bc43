#!/usr/bin/python3
"""The SMTP server of orderflow's integration tests (started by .ci/services.sh).

Two listeners on 127.0.0.1, both requiring AUTH (LOGIN or PLAIN) over TLS:
  --port      STARTTLS (the client upgrades a plain connection), like port 587
  --tls-port  implicit TLS from the first byte, like port 465
Each message received is saved as one file in the maildir given, with its envelope
(MAIL FROM and RCPT TO) prepended as X-Envelope-From and X-Envelope-To headers, so a
test can check who it was really sent to.
"""
import argparse
import mailbox
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SaveToMaildir:
    def __init__(self, path):
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        self.box = mailbox.Maildir(path, create=True)

    async def handle_DATA(self, server, session, envelope):
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        body = envelope.original_content or envelope.content
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.box.add(head.encode("ascii") + body)
        return "250 2.0.0 saved"


class Authenticator:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == self.user and auth_data.password == self.password)
        return AuthResult(success=ok, handled=False)


class ImplicitTLSController(Controller):
    """The readiness probe of Controller must speak TLS on an implicit-TLS port."""

    def _trigger_server(self):
        import socket
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with socket.create_connection((self.hostname, self.port), 1.0) as raw:
            with ctx.wrap_socket(raw) as s:
                s.recv(1024)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2525)
    ap.add_argument("--tls-port", type=int, default=2465)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--user", default="orderflow")
    ap.add_argument("--password", default="orderflow-smtp")
    ap.add_argument("--pidfile")
    a = ap.parse_args()

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    handler = SaveToMaildir(a.maildir)
    auth = Authenticator(a.user, a.password)
    starttls = Controller(handler, hostname=a.host, port=a.port, tls_context=ctx,
                          require_starttls=True, authenticator=auth, auth_required=True)
    # On the implicit-TLS port the whole connection is TLS, but aiosmtpd only knows
    # about TLS it negotiated itself (STARTTLS): let it offer AUTH there.
    implicit = ImplicitTLSController(handler, hostname=a.host, port=a.tls_port, ssl_context=ctx,
                                     authenticator=auth, auth_required=True, auth_require_tls=False)
    starttls.start()
    implicit.start()
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write(str(os.getpid()))
    print("smtpd: STARTTLS on %s:%d, TLS on %s:%d, maildir %s" % (a.host, a.port, a.host, a.tls_port, a.maildir), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    starttls.stop()
    implicit.stop()


if __name__ == "__main__":
    main()
