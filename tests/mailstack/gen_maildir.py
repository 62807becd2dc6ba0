#!/usr/bin/env python3
"""Write N realistic French (MSSanté-like) messages straight into a Dovecot Maildir. Stdlib only.

Usage: gen_maildir.py MAILDIR N [--to ADDR] [--seed S] [--days D] [--sent] [--uid U --gid G]

* Files go to MAILDIR/tmp then are renamed into MAILDIR/cur, named like Dovecot names them:
    <unixtime>.M<usec>P<pid>R<run>.pli-gen,S=<size>,W=<crlf size>:2,<flags>
  The time prefix makes Dovecot assign UIDs in date order on its next sync; S=/W= spare it a stat
  and a CRLF count; the file mtime is the INTERNALDATE. Run `doveadm force-resync` afterwards.
* Dates spread over the last D days (default 730), oldest first; the newest ones are partly unread.
* Mix: ~60 % text/plain, ~22 % multipart/alternative (text + HTML), ~15 % multipart/mixed with a small
  generated PDF (some with an RFC 2231 UTF-8 file name, some with two PDFs, some with an alternative
  part inside), ~3 % legacy ISO-8859-1 text. Bodies quoted-printable UTF-8. Subjects and display
  names with French accents, RFC 2047 encoded (Q and B). ~20 % replies ("RE: ") with In-Reply-To and
  References chaining to an earlier message. Flags: \\Seen on most, \\Flagged ~3 %, \\Answered on some.
* --sent: messages from ADDR to various correspondents (for a Sent folder), all \\Seen.
The same seed gives the same messages (apart from file names).
"""
import argparse
import base64
import binascii
import os
import random
import time
from datetime import datetime, timezone
from email.utils import format_datetime, formatdate

try:
    from zoneinfo import ZoneInfo
    PARIS = ZoneInfo("Europe/Paris")
except Exception:  # no tzdata: UTC
    PARIS = timezone.utc

FIRST = ["Marie", "Jean", "Nathalie", "Pierre", "Sophie", "François", "Hélène", "Jérôme", "Chloé", "Benoît",
         "Amélie", "Noël", "Gaëlle", "Loïc", "Cécile", "Stéphane", "Agnès", "Frédéric", "Thérèse", "Raphaël"]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Girard", "Mercier", "Bonnet", "Faure", "Rousseau",
        "Lemaître", "Chevalier", "Boyer", "Garnier", "Perrin", "Aubert", "Noël", "Béranger", "Ménard"]
TITLES = ["Dr", "Dr", "Pr", "", ""]
DOMAINS = ["ch-test.mssante.fr", "ehpad-test.mssante.fr", "pharmacie-test.mssante.fr", "medecin.mssante.fr",
           "labo-biologie.mssante.fr", "chu-exemple.mssante.fr", "cabinet-infirmier.mssante.fr"]
SERVICES = ["Secrétariat de cardiologie", "Laboratoire de biologie médicale", "Service des urgences",
            "Pharmacie à usage intérieur", "Équipe mobile de gériatrie", "Centre de radiologie"]
SUBJECTS = [
    "Résultats d'analyses biologiques — {p}", "Compte-rendu d'hospitalisation de {p}",
    "Lettre de liaison à la sortie : {p}", "Ordonnance renouvelée pour {p}",
    "Demande d'avis spécialisé (cardiologie) — {p}", "Transmission du dossier de soins infirmiers",
    "Compte rendu opératoire du {d}", "Bilan gériatrique de {p}", "Réunion de concertation pluridisciplinaire du {d}",
    "Prise en charge à domicile : suite de soins", "Vaccination antigrippale — résidents de l'EHPAD",
    "Résultat d'imagerie (scanner thoracique) — {p}", "Convocation consultation pré-anesthésique",
    "Modification du traitement anticoagulant de {p}", "Accusé de réception : courrier du Dr {l}",
    "Échographie abdominale : conclusions", "Certificat médical — {p}", "Délivrance en officine : substitution générique",
    "Rappel : dossier médical partagé (DMP) à compléter", "Planning des gardes — semaine du {d}",
]
BODIES = [
    "Bonjour,\n\nVeuillez trouver ci-joint le compte-rendu concernant votre patient(e) {p}, né(e) le {b}.\n"
    "N'hésitez pas à me contacter pour tout complément d'information.\n",
    "Chère consœur, cher confrère,\n\nJe vous adresse {p} pour avis concernant une dyspnée d'effort "
    "évoluant depuis trois semaines, sans fièvre. L'ECG réalisé ce jour est sans particularité.\n",
    "Bonjour,\n\nLe bilan biologique du {d} montre une hémoglobine à 11,2 g/dL, une créatininémie à "
    "98 µmol/L et une CRP < 5 mg/L. Pas de modification thérapeutique nécessaire.\n",
    "Madame, Monsieur,\n\nSuite à l'hospitalisation de {p} du {d}, le traitement de sortie est le "
    "suivant : paracétamol 1 g × 3/j si douleurs, apixaban 2,5 mg × 2/j, kinésithérapie à domicile.\n",
    "Bonjour,\n\nMerci de bien vouloir transmettre les dernières constantes (TA, FC, SpO₂, poids) "
    "ainsi que le plan de soins infirmiers à jour. Très cordialement.\n",
    "Bonjour,\n\nLa pharmacie a délivré le traitement prescrit le {d} ; la molécule princeps étant en "
    "rupture, un générique a été substitué (même dosage). Le patient en a été informé.\n",
    "Bonjour,\n\nJe vous confirme le rendez-vous de {p} le {d} à 9 h 30 au plateau d'imagerie, "
    "niveau –1. Prévoir l'ordonnance et la carte Vitale. Être à jeun 6 heures avant l'examen.\n",
]
REPLIES = ["Merci pour ces éléments, c'est bien noté.\n", "Bien reçu, je revois le patient la semaine prochaine.\n",
           "Pouvez-vous me préciser la posologie exacte ? Merci d'avance.\n",
           "Je vous transmets les résultats complémentaires dès réception.\n"]
SIGN = "\n-- \n{n}\n{s}\nMessagerie sécurisée de santé (MSSanté) — ne pas transférer hors espace de confiance.\n"

_ASCII_SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


def _q_word(ch):
    return "".join(chr(b) if b in _ASCII_SAFE else ("_" if b == 32 else "=%02X" % b) for b in ch.encode())


def rfc2047(text, b=False):
    """RFC 2047 encoded-words for a phrase/unstructured value; plain text if ASCII. Words <= 75 chars,
    never splitting a UTF-8 sequence; folded with CRLF-less '\\n ' (Maildir stores LF)."""
    if text.isascii():
        return text
    words, cur, cur_len = [], [], 0
    budget = 75 - len("=?UTF-8?Q??=")
    for ch in text:
        piece = ch.encode() if b else _q_word(ch)
        plen = len(piece)
        if b:
            blen = len(base64.b64encode(b"".join(cur) + piece))
            if cur and blen > budget:
                words.append(cur); cur = []
        elif cur and cur_len + plen > budget:
            words.append(cur); cur, cur_len = [], 0
        cur.append(piece); cur_len += plen
    if cur:
        words.append(cur)
    if b:
        enc = ["=?UTF-8?B?" + base64.b64encode(b"".join(w)).decode() + "?=" for w in words]
    else:
        enc = ["=?UTF-8?Q?" + "".join(w) + "?=" for w in words]
    return "\n ".join(enc)


def qp(text, charset="utf-8"):
    return binascii.b2a_qp(text.encode(charset), istext=True).decode("ascii")


def pdf_bytes(rng, title, lines):
    """A small, structurally valid one-page PDF (text in Helvetica, WinAnsi) of roughly 2-6 KB."""
    def esc(s):
        return s.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    ops = [b"BT /F1 16 Tf 60 780 Td (" + esc(title) + b") Tj ET"]
    y = 740
    for ln in lines:
        ops.append(b"BT /F1 11 Tf 60 %d Td (" % y + esc(ln) + b") Tj ET")
        y -= 16
    # a PDF comment line of random hex so that sizes vary
    ops.append(b"% " + binascii.hexlify(rng.randbytes(rng.randint(500, 2500))))
    content = b"\n".join(ops)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("maildir")
    ap.add_argument("n", type=int)
    ap.add_argument("--to", default="secretariat@ehpad-test.mssante.fr", help="mailbox owner address")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--days", type=float, default=730, help="dates spread over this many past days")
    ap.add_argument("--sent", action="store_true", help="messages sent by --to (for a Sent folder)")
    ap.add_argument("--uid", type=int)
    ap.add_argument("--gid", type=int)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    t_start = time.time()
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(a.maildir, sub), exist_ok=True)
    if os.path.basename(os.path.normpath(a.maildir)).startswith("."):
        open(os.path.join(a.maildir, "maildirfolder"), "a").close()   # Maildir++ subfolder marker

    # precomputed attachments (base64 done once)
    pdfs = []
    for k in range(12):
        pf, pl = rng.choice(FIRST), rng.choice(LAST)
        lines = [f"Patient : {pf} {pl.upper()}", f"Date : {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
                 "Conclusion : examen sans particularité.", "Hémoglobine 13,1 g/dL ; leucocytes 6,2 G/L.",
                 "Document généré pour les tests de Pli."]
        pdfs.append(base64.encodebytes(pdf_bytes(rng, "Compte rendu médical", lines)).decode("ascii"))
    hdr_cache = {}

    def enc(s, b=False):
        k = (s, b)
        v = hdr_cache.get(k)
        if v is None:
            v = hdr_cache[k] = rfc2047(s, b)
        return v

    def person():
        f, l = rng.choice(FIRST), rng.choice(LAST)
        title = rng.choice(TITLES)
        local = (f + "." + l).lower()
        local = local.translate(str.maketrans("éèêëçïîôöàâüûÉ", "eeeeciiooaauue"))
        dom = rng.choice(DOMAINS)
        display = (title + " " if title else "") + f + " " + l
        if rng.random() < 0.15:
            display = rng.choice(SERVICES)
            local = "secretariat"
        return f"{enc(display, rng.random() < 0.3)} <{local}@{dom}>", display, dom

    me = a.to
    me_disp = enc(me.split("@")[0].replace(".", " ").title(), False)
    now = int(time.time())
    span = int(a.days * 86400)
    t0 = now - span
    step = span / max(a.n, 1)
    pid = os.getpid()
    run = rng.getrandbits(24) ^ (int(t_start * 1000) & 0xFFFFFF)
    tmpdir = os.path.join(a.maildir, "tmp")
    curdir = os.path.join(a.maildir, "cur")
    chown = a.uid is not None
    threads = []   # (message-id, references list, subject) of earlier messages
    total = 0
    n_flagged = n_seen = 0

    for i in range(a.n):
        ts = int(t0 + i * step + rng.random() * step * 0.9)
        frm, frm_disp, fdom = person()
        pf, pl = rng.choice(FIRST), rng.choice(LAST)
        patient = f"{pf} {pl.upper()}"
        d = time.strftime("%d/%m/%Y", time.gmtime(ts))
        birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/19{rng.randint(25, 99)}"
        reply = bool(threads) and rng.random() < 0.2
        if reply:
            pmid, prefs, psubj = rng.choice(threads[-300:])
            subj = psubj if psubj.startswith("RE: ") else "RE: " + psubj
            refs = (prefs + [pmid])[-10:]
            body = rng.choice(REPLIES) + "\n> " + rng.choice(BODIES).format(p=patient, d=d, b=birth).replace("\n", "\n> ")
        else:
            subj = rng.choice(SUBJECTS).format(p=patient, d=d, l=pl)
            refs = []
            body = rng.choice(BODIES).format(p=patient, d=d, b=birth)
        if a.sent:
            body += SIGN.format(n=me, s="Messagerie sécurisée")
        else:
            body += SIGN.format(n=frm_disp, s=fdom)
        mid = f"<{ts}.{i}.{rng.getrandbits(40):010x}@{fdom}>"
        if a.sent:
            hdr_from, hdr_to = f"{me_disp} <{me}>", frm
        else:
            hdr_from, hdr_to = frm, f"{me_disp} <{me}>"
        h = [f"Return-Path: <{(me if a.sent else frm.rsplit('<', 1)[1].rstrip('>'))}>"]
        if not a.sent:
            h.append(f"Received: from mx.{fdom} (mx.{fdom} [192.0.2.{i % 250 + 1}])\n\tby localhost (Postfix) "
                     f"with ESMTPS id {i:010X}\n\tfor <{me}>; {formatdate(ts)}")
        h += [f"From: {hdr_from}", f"To: {hdr_to}"]
        if rng.random() < 0.25:
            h.append(f"Cc: {person()[0]}")
        h += [f"Subject: {enc(subj, rng.random() < 0.3)}", f"Date: {format_datetime(datetime.fromtimestamp(ts, PARIS))}",
              f"Message-ID: {mid}"]
        if refs:
            h += [f"In-Reply-To: {refs[-1]}", "References: " + "\n ".join(refs)]
        h += ["MIME-Version: 1.0", "X-Mailer: Pli test generator"]
        r = rng.random()
        if r < 0.03:
            h += ["Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"]
            text = body.replace("₂", "2").replace("–", "-").replace("—", "-").replace("œ", "oe")
            msg = "\n".join(h) + "\n\n" + qp(text, "iso-8859-1")
        elif r < 0.63:
            h += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
            msg = "\n".join(h) + "\n\n" + qp(body)
        else:
            bnd = f"=_pli_{i}_{rng.getrandbits(48):012x}"
            html = ("<html><head><meta charset=\"utf-8\"></head><body><p>"
                    + body.replace("&", "&amp;").replace("<", "&lt;").replace("\n\n", "</p><p>").replace("\n", "<br>")
                    + "</p></body></html>\n")
            text_part = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(body)
            html_part = "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(html)
            if r < 0.85:
                h.append(f'Content-Type: multipart/alternative; boundary="{bnd}"')
                parts = [text_part, html_part]
            else:
                h.append(f'Content-Type: multipart/mixed; boundary="{bnd}"')
                if rng.random() < 0.3:
                    b2 = bnd + "_alt"
                    parts = [f'Content-Type: multipart/alternative; boundary="{b2}"\n\n'
                             f"--{b2}\n{text_part}\n--{b2}\n{html_part}\n--{b2}--\n"]
                else:
                    parts = [text_part]
                for k in range(2 if rng.random() < 0.15 else 1):
                    day = time.strftime("%Y%m%d", time.gmtime(ts))
                    if rng.random() < 0.3:
                        fn = f"Compte-rendu échographie {pl} {day}.pdf"
                        fq = "".join(c if c.isascii() and (c.isalnum() or c in "-._") else
                                     "".join("%%%02X" % x for x in c.encode()) for c in fn)
                        disp = f"attachment; filename*=utf-8''{fq}"
                        ctype = f"application/pdf; name*=utf-8''{fq}"
                    else:
                        fn = f"CR_{pl.translate(str.maketrans('éèêëçïîôâ', 'eeeeciioa'))}_{day}_{k + 1}.pdf"
                        disp = f'attachment; filename="{fn}"'
                        ctype = f'application/pdf; name="{fn}"'
                    parts.append(f"Content-Type: {ctype}\nContent-Transfer-Encoding: base64\n"
                                 f"Content-Disposition: {disp}\n\n" + rng.choice(pdfs))
            msg = ("\n".join(h) + "\n\nCeci est un message au format MIME.\n"
                   + "".join(f"\n--{bnd}\n{p}" for p in parts) + f"\n--{bnd}--\n")
        data = msg.encode("utf-8")
        size = len(data)
        vsize = size + data.count(b"\n")
        flags = set()
        if a.sent or ts < now - 5 * 86400 or rng.random() < 0.4:
            if a.sent or rng.random() < 0.985:
                flags.add("S")
        if rng.random() < 0.03:
            flags.add("F")
        if not a.sent and refs and rng.random() < 0.5 and "S" in flags:
            flags.add("R")
        n_flagged += "F" in flags
        n_seen += "S" in flags
        name = f"{ts}.M{i % 1000000}P{pid}R{run:06x}.pli-gen,S={size},W={vsize}:2,{''.join(sorted(flags))}"
        tmp = os.path.join(tmpdir, name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            if chown:
                os.fchown(fd, a.uid, a.gid)
        finally:
            os.close(fd)
        os.utime(tmp, (ts, ts))
        os.rename(tmp, os.path.join(curdir, name))
        threads.append((mid, refs, subj))
        total += size

    if chown:
        for root, dirs, files in os.walk(a.maildir):
            os.chown(root, a.uid, a.gid)
            for f in files:
                if not f.endswith(".pli-gen") and ".pli-gen," not in f:
                    os.chown(os.path.join(root, f), a.uid, a.gid)
    print(f"gen_maildir: {a.n} messages ({n_seen} seen, {n_flagged} flagged), {total / 1e6:.1f} MB "
          f"in {time.time() - t_start:.2f} s -> {a.maildir}")


if __name__ == "__main__":
    main()
