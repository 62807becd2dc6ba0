#!/usr/bin/env python3
"""Smoke test of every mail-stack endpoint, stdlib only. Run after `source $MT_DIR/env`
(or via `mailstack.sh selftest`). Exits 1 if any check fails; prints one line per check."""
import base64
import hashlib
import hmac
import imaplib
import json
import os
import smtplib
import socket
import ssl
import sys
import time
import uuid

E = os.environ
CA = E["PLI_TEST_CA"]
PW = E["PLI_TEST_PASSWORD"]
DOC, EHPAD, PHARMA, NURSE, PATIENT = (E["PLI_TEST_USER_" + k] for k in ("DOCTOR", "EHPAD", "PHARMACY", "NURSE", "PATIENT"))
CERT, KEY = E["PLI_TEST_CLIENT_CERT"], E["PLI_TEST_CLIENT_KEY"]
FCERT, FKEY = E["PLI_TEST_FOREIGN_CLIENT_CERT"], E["PLI_TEST_FOREIGN_CLIENT_KEY"]
KEYB = open(E["PLI_TEST_OAUTH_KEY"], "rb").read()
failures = []
imaplib.IMAP4.timeout = 10 if hasattr(imaplib.IMAP4, "timeout") else None


def ep(name):
    return E[f"PLI_TEST_{name}_HOST"], int(E[f"PLI_TEST_{name}_PORT"])


def check(name, fn):
    t = time.time()
    try:
        detail = fn()
        print(f"ok    {name} ({time.time() - t:.2f}s){': ' + str(detail) if detail else ''}")
    except Exception as e:  # noqa: BLE001
        failures.append(name)
        print(f"FAIL  {name}: {type(e).__name__}: {e}")


def ctx(cert=None, key=None, ca=CA, check_hostname=True):
    c = ssl.create_default_context(cafile=ca)
    c.check_hostname = check_hostname
    if cert:
        c.load_cert_chain(cert, key)
    return c


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def expect_raises(fn, *needles):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001
        s = f"{type(e).__name__}: {e}"
        expect(any(n.lower() in s.lower() for n in needles), f"wrong error: {s}")
        return s[:120]
    raise AssertionError(f"no error (got {r!r})")


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def jwt(claims, k=KEYB):
    h = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    p = b64u(json.dumps(claims).encode())
    return (h + b"." + p + b"." + b64u(hmac.new(k, h + b"." + p, hashlib.sha256).digest())).decode()


NOW = int(time.time())
GOOD = jwt({"sub": "f:1", "email": DOC, "iat": NOW, "nbf": NOW, "exp": NOW + 300})
EXPIRED = jwt({"sub": "f:1", "email": DOC, "iat": NOW - 600, "exp": NOW - 300})
FORGED = jwt({"sub": "f:1", "email": DOC, "iat": NOW, "exp": NOW + 300}, k=b"x" * 32)
OTHER = jwt({"sub": "f:1", "email": EHPAD, "iat": NOW, "exp": NOW + 300})


def imaps(c=None, name="IMAPS"):
    h, p = ep(name)
    return imaplib.IMAP4_SSL(h, p, ssl_context=c or ctx())


def imap_starttls(c=None, name="IMAP_STARTTLS"):
    h, p = ep(name)
    m = imaplib.IMAP4(h, p)
    m.starttls(ssl_context=c or ctx())
    return m


def message(frm, to, tag):
    mid = f"<{tag}.{uuid.uuid4().hex}@pli-selftest>"
    subj = "=?UTF-8?Q?Compte-rendu_d=27=C3=A9chographie?= " + tag
    msg = (f"From: <{frm}>\r\nTo: <{to}>\r\nSubject: {subj}\r\nMessage-ID: {mid}\r\n"
           f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           "Bonjour, ceci est un message de test. Très cordialement.\r\n").encode()
    return mid, msg


def wait_delivered(user, mid, timeout=15):
    t0 = time.time()
    m = imaps()
    m.login(user, PW)
    try:
        while time.time() - t0 < timeout:
            m.select("INBOX", readonly=True)
            typ, d = m.search(None, "HEADER", "Message-ID", mid)
            if d and d[0].split():
                return f"in {user} INBOX after {time.time() - t0:.2f}s"
            time.sleep(0.2)
    finally:
        m.logout()
    raise AssertionError(f"{mid} not delivered to {user} within {timeout}s")


def send(name, frm, to, tag, implicit=False, login=None, cert=None, key=None):
    h, p = ep(name)
    c = ctx(cert, key)
    if implicit:
        s = smtplib.SMTP_SSL(h, p, context=c, timeout=10)
    else:
        s = smtplib.SMTP(h, p, timeout=10)
        s.starttls(context=c)
    with s:
        if login:
            s.login(*login)
        mid, msg = message(frm, to, tag)
        s.sendmail(frm, [to], msg)
    return mid


# ------------------------------------------------------------------ IMAP, passwords
def t_imap_starttls():
    h, p = ep("IMAP_STARTTLS")
    m = imaplib.IMAP4(h, p)
    expect("STARTTLS" in m.capabilities, f"no STARTTLS: {m.capabilities}")
    m.starttls(ssl_context=ctx())
    m.login(DOC, PW)
    typ, boxes = m.list()
    m.logout()
    return b" ".join(b.split(b'"/"')[-1].strip() for b in boxes).decode()


def t_imaps_plain():
    m = imaps()
    typ, _ = m.authenticate("PLAIN", lambda _: f"\0{EHPAD}\0{PW}".encode())
    caps = m.capabilities
    m.logout()
    return f"{typ}"


def t_imaps_wrong_password():
    m = imaps()
    try:
        return expect_raises(lambda: m.login(DOC, "wrong"), "AUTHENTICATIONFAILED")
    finally:
        m.shutdown()


def t_logindisabled():
    h, p = ep("IMAP_STARTTLS")
    sock = socket.create_connection((h if h != "localhost" else "127.0.0.1", p),
                                    source_address=(E["PLI_TEST_INSECURE_SOURCE_IP"], 0), timeout=5)
    greeting = sock.recv(4096).decode()
    sock.sendall(b"a LOGIN " + DOC.encode() + b" " + PW.encode() + b"\r\n")
    resp = sock.recv(4096).decode()
    sock.close()
    expect("LOGINDISABLED" in greeting and "PRIVACYREQUIRED" in resp, greeting + resp)
    return resp.strip()[:80]


# ------------------------------------------------------------------ OAuth
def xoauth2(user, tok):
    return f"user={user}\x01auth=Bearer {tok}\x01\x01".encode()


def t_xoauth2_valid():
    m = imap_starttls()
    typ, _ = m.authenticate("XOAUTH2", lambda _: xoauth2(DOC, GOOD))
    m.logout()
    return typ


def _xoauth2_fails(tok, user=DOC):
    m = imap_starttls()
    # on failure Dovecot sends a continuation with the JSON error; imaplib answers with the same callback
    # output again, Dovecot then says NO. Answer the continuation with an empty line instead:
    answers = iter([xoauth2(user, tok), b""])
    try:
        return expect_raises(lambda: m.authenticate("XOAUTH2", lambda _: next(answers)), "AUTHENTICATIONFAILED")
    finally:
        m.shutdown()


def t_oauthbearer():
    m = imaps()
    h, p = ep("IMAPS")
    typ, _ = m.authenticate("OAUTHBEARER",
                            lambda _: f"n,a={DOC},\x01host={h}\x01port={p}\x01auth=Bearer {GOOD}\x01\x01".encode())
    m.logout()
    return typ


def t_smtp_xoauth2():
    h, p = ep("SMTP_SUBMISSION")
    with smtplib.SMTP(h, p, timeout=10) as s:
        s.starttls(context=ctx())
        s.ehlo()
        offers = s.esmtp_features.get("auth")
        code, resp = s.docmd("AUTH", "XOAUTH2 " + base64.b64encode(xoauth2(DOC, GOOD)).decode())
        expect(code == 235, f"{code} {resp}")
        mid, msg = message(DOC, NURSE, "xoauth2")
        s.sendmail(DOC, [NURSE], msg)
    return f"AUTH offers '{offers}'; " + wait_delivered(NURSE, mid)


# ------------------------------------------------------------------ SMTP, passwords
def t_sub_587():
    return wait_delivered(EHPAD, send("SMTP_SUBMISSION", DOC, EHPAD, "587", login=(DOC, PW)))


def t_sub_465():
    return wait_delivered(PHARMA, send("SMTP_SUBMISSIONS", DOC, PHARMA, "465", implicit=True, login=(DOC, PW)))


def t_sub_patient():
    return wait_delivered(PATIENT, send("SMTP_SUBMISSION", DOC, PATIENT, "patient", login=(DOC, PW)))


def t_sub_587_needs_tls():
    h, p = ep("SMTP_SUBMISSION")
    with smtplib.SMTP(h, p, timeout=10) as s:
        s.ehlo()
        expect("starttls" in s.esmtp_features and "auth" not in s.esmtp_features, str(s.esmtp_features))
        code, resp = s.docmd("MAIL FROM:<" + DOC + ">")
        expect(code == 530, f"{code} {resp}")
        return f"{code} {resp.decode()[:60]}"


def t_sub_wrong_password():
    return expect_raises(lambda: send("SMTP_SUBMISSION", DOC, EHPAD, "x", login=(DOC, "wrong")), "535")


def t_sub_no_auth_no_cert():
    return expect_raises(lambda: send("SMTP_SUBMISSIONS", DOC, EHPAD, "x", implicit=True), "Access denied", "554")


def t_inject_25():
    h, p = ep("SMTP_INJECT")
    mid, msg = message("expediteur@exterieur.example", EHPAD, "inject")
    with smtplib.SMTP(h, p, timeout=10) as s:
        s.sendmail("expediteur@exterieur.example", [EHPAD], msg)
    return wait_delivered(EHPAD, mid)


def t_inject_relay_refused():
    h, p = ep("SMTP_INJECT")
    with smtplib.SMTP(h, p, timeout=10) as s:
        return expect_raises(lambda: s.sendmail("a@example.org", ["victim@example.com"], b"Subject: x\r\n\r\nx\r\n"),
                             "Relay access denied")


def t_inject_unknown_user():
    h, p = ep("SMTP_INJECT")
    with smtplib.SMTP(h, p, timeout=10) as s:
        return expect_raises(lambda: s.sendmail("a@example.org", ["personne@ch-test.mssante.fr"], b"Subject: x\r\n\r\nx\r\n"),
                             "User unknown")


def t_authenticated_external_refused():
    h, p = ep("SMTP_SUBMISSION")
    with smtplib.SMTP(h, p, timeout=10) as s:
        s.starttls(context=ctx())
        s.login(DOC, PW)
        return expect_raises(lambda: s.sendmail(DOC, ["someone@gmail.com"], b"Subject: must not leave\r\n\r\nx\r\n"),
                             "external delivery disabled")


# ------------------------------------------------------------------ client certificates
def t_imaps_external():
    m = imaps(ctx(CERT, KEY))
    expect("AUTH=EXTERNAL" in m.capabilities, str(m.capabilities))
    typ, d = m.authenticate("EXTERNAL", lambda _: b"")
    # who am I? select INBOX works; check via NAMESPACE-less trick: the user's own mailbox count
    m.logout()
    return f"{typ} {d}"


def t_starttls_external():
    m = imap_starttls(ctx(CERT, KEY))
    typ, d = m.authenticate("EXTERNAL", lambda _: b"")
    m.logout()
    return f"{typ} {d}"


def t_external_no_cert():
    m = imaps()
    try:
        return expect_raises(lambda: m.authenticate("EXTERNAL", lambda _: b""), "AUTHENTICATIONFAILED", "failed")
    finally:
        m.shutdown()


def t_external_foreign_cert():
    m = imaps(ctx(FCERT, FKEY))
    try:
        return expect_raises(lambda: m.authenticate("EXTERNAL", lambda _: b""), "AUTHENTICATIONFAILED", "failed")
    finally:
        m.shutdown()


def t_plain_with_cert():
    m = imaps(ctx(CERT, KEY))
    m.login(DOC, PW)
    m.logout()


def t_cert_sub_587():
    return wait_delivered(PATIENT, send("SMTP_SUBMISSION", DOC, PATIENT, "cert587", cert=CERT, key=KEY))


def t_cert_sub_465():
    return wait_delivered(EHPAD, send("SMTP_SUBMISSIONS", DOC, EHPAD, "cert465", implicit=True, cert=CERT, key=KEY))


def t_foreign_cert_sub_refused():
    return expect_raises(lambda: send("SMTP_SUBMISSION", DOC, EHPAD, "x", cert=FCERT, key=FKEY), "Access denied")


def t_dovecot_submission_external():
    h, p = ep("DOVECOT_SUBMISSIONS")
    with smtplib.SMTP_SSL(h, p, context=ctx(CERT, KEY), timeout=10) as s:
        code, resp = s.docmd("AUTH", "EXTERNAL =")
        expect(code == 235, f"{code} {resp}")
        mid, msg = message(DOC, NURSE, "dsub")
        s.sendmail(DOC, [NURSE], msg)
    return wait_delivered(NURSE, mid)


def t_dovecot_submission_password():
    h, p = ep("DOVECOT_SUBMISSION")
    with smtplib.SMTP(h, p, timeout=10) as s:
        s.starttls(context=ctx())
        s.login(NURSE, PW)
        mid, msg = message(NURSE, DOC, "dsub587")
        s.sendmail(NURSE, [DOC], msg)
    return wait_delivered(DOC, mid)


# ------------------------------------------------------------------ negative endpoints
def t_imap_nostarttls():
    h, p = ep("IMAP_NOSTARTTLS")
    m = imaplib.IMAP4(h, p)
    caps = m.capabilities
    expect("STARTTLS" not in caps and "LOGINDISABLED" not in caps, str(caps))
    m.login(DOC, PW)   # a client that sends this has leaked the password in clear
    m.logout()
    return " ".join(caps)


def t_smtp_nostarttls():
    h, p = ep("SMTP_NOSTARTTLS")
    with smtplib.SMTP(h, p, timeout=10) as s:
        s.ehlo()
        expect("starttls" not in s.esmtp_features and "auth" in s.esmtp_features, str(s.esmtp_features))
        return "EHLO: " + ", ".join(s.esmtp_features)


def tls_probe(kind, proto, ca=CA, check_hostname=True):
    name = {"imaps": "IMAPS", "imap": "IMAP_STARTTLS", "smtps": "SMTP_SUBMISSIONS", "smtp": "SMTP_SUBMISSION"}[proto]
    name = f"{name}_{kind}" if kind else name
    c = ctx(ca=ca, check_hostname=check_hostname)
    h, p = ep(name)
    if proto == "imaps":
        imaplib.IMAP4_SSL(h, p, ssl_context=c).shutdown()
    elif proto == "imap":
        m = imaplib.IMAP4(h, p)
        m.starttls(ssl_context=c)
        m.shutdown()
    elif proto == "smtps":
        smtplib.SMTP_SSL(h, p, context=c, timeout=10).quit()
    else:
        s = smtplib.SMTP(h, p, timeout=10)
        s.starttls(context=c)
        s.quit()


def t_neg(kind, proto, needle):
    def f():
        return expect_raises(lambda: tls_probe(kind, proto), needle)
    return f


def t_untrusted_ok_with_its_ca():
    tls_probe("UNTRUSTED", "imaps", ca=E["PLI_TEST_FOREIGN_CA"])
    return "verifies when the foreign CA is trusted (so only the issuer is wrong)"


def t_wronghost_ok_without_name_check():
    tls_probe("WRONGHOST", "imaps", check_hostname=False)
    return "chain valid, only the name is wrong"


def t_expired_dates():
    h, p = ep("IMAPS_EXPIRED")
    c = ctx()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    with socket.create_connection((h, p)) as raw, c.wrap_socket(raw) as s:
        der = s.getpeercert(binary_form=True)
    import subprocess
    out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-dates", "-issuer"], input=der,
                         capture_output=True).stdout.decode()
    return out.replace("\n", " ").strip()


def main():
    checks = [
        ("IMAP STARTTLS login + LIST", t_imap_starttls),
        ("IMAPS AUTHENTICATE PLAIN", t_imaps_plain),
        ("IMAPS wrong password refused", t_imaps_wrong_password),
        ("IMAP LOGINDISABLED from insecure source IP", t_logindisabled),
        ("IMAP XOAUTH2 valid", t_xoauth2_valid),
        ("IMAP XOAUTH2 expired refused", lambda: _xoauth2_fails(EXPIRED)),
        ("IMAP XOAUTH2 forged refused", lambda: _xoauth2_fails(FORGED)),
        ("IMAP XOAUTH2 token of another user refused", lambda: _xoauth2_fails(OTHER)),
        ("IMAPS OAUTHBEARER valid", t_oauthbearer),
        ("SMTP 587 XOAUTH2 + delivery", t_smtp_xoauth2),
        ("SMTP 587 STARTTLS+AUTH -> EHPAD INBOX", t_sub_587),
        ("SMTP 465 TLS+AUTH -> pharmacy INBOX", t_sub_465),
        ("SMTP 587 -> patient box", t_sub_patient),
        ("SMTP 587 refuses MAIL before STARTTLS", t_sub_587_needs_tls),
        ("SMTP 587 wrong password refused", t_sub_wrong_password),
        ("SMTP 465 no AUTH no cert refused", t_sub_no_auth_no_cert),
        ("SMTP 25-like inject -> INBOX", t_inject_25),
        ("SMTP inject relay refused", t_inject_relay_refused),
        ("SMTP inject unknown user refused", t_inject_unknown_user),
        ("SMTP authenticated, external recipient refused", t_authenticated_external_refused),
        ("IMAPS EXTERNAL with client cert", t_imaps_external),
        ("IMAP STARTTLS EXTERNAL with client cert", t_starttls_external),
        ("IMAPS EXTERNAL without cert refused", t_external_no_cert),
        ("IMAPS EXTERNAL with foreign cert refused", t_external_foreign_cert),
        ("IMAPS PLAIN while presenting a cert", t_plain_with_cert),
        ("SMTP 587 client cert, no AUTH -> patient", t_cert_sub_587),
        ("SMTP 465 client cert, no AUTH -> EHPAD", t_cert_sub_465),
        ("SMTP 587 foreign client cert refused", t_foreign_cert_sub_refused),
        ("Dovecot submission 11465 EXTERNAL", t_dovecot_submission_external),
        ("Dovecot submission 11587 password", t_dovecot_submission_password),
        ("IMAP no-STARTTLS endpoint", t_imap_nostarttls),
        ("SMTP no-STARTTLS endpoint", t_smtp_nostarttls),
        ("expired cert dates", t_expired_dates),
    ]
    for kind, needle in (("EXPIRED", "certificate has expired"), ("UNTRUSTED", "unable to get local issuer"),
                         ("WRONGHOST", "IP address mismatch")):
        for proto in ("imaps", "imap", "smtps", "smtp"):
            checks.append((f"{kind.lower()} {proto} refused", t_neg(kind, proto, needle)))
    checks += [("untrusted endpoint valid under the foreign CA", t_untrusted_ok_with_its_ca),
               ("wronghost endpoint valid without name check", t_wronghost_ok_without_name_check)]
    only = sys.argv[1:]
    for name, fn in checks:
        if not only or any(o.lower() in name.lower() for o in only):
            check(name, fn)
    print(f"{len(failures)} failure(s)" + (": " + "; ".join(failures) if failures else ""))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
