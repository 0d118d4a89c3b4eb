"""Delivered mail as the tests read it: a Maildir (aiosmtpd's Mailbox handler) or a folder of
.eml files (the file transport).

    python3 -m support.mail ids FOLDER    the Message-IDs, one a line
    python3 -m support.mail full FOLDER   one JSON object a message (see describe())
"""
import email
import email.utils
import json
import os
import sys
from email.header import decode_header, make_header


def messages(folder):
    """The messages of a Maildir (new/ and cur/) or the *.eml files of a folder, by name."""
    if os.path.isdir(os.path.join(folder, "new")):
        paths = [os.path.join(folder, sub, name) for sub in ("new", "cur")
                 for name in sorted(os.listdir(os.path.join(folder, sub)))]
    else:
        paths = [os.path.join(folder, name) for name in sorted(os.listdir(folder))
                 if name.endswith(".eml")]
    for path in paths:
        with open(path, "rb") as f:
            yield email.message_from_binary_file(f)


def describe(message):
    """A message as a dict: message_id, subject (decoded), subject_raw, subject_ascii (the raw
    header is ASCII only), from, to (decoded), rcpt (the envelope recipient aiosmtpd recorded
    in X-RcptTo), date (ISO, from Date), content_type, charset, body (decoded text: of the
    text/plain part in a multipart message), calendar (the decoded text/calendar part of an
    invitation, else ""). What does not decode says UNDECODABLE and why."""
    raw = message.get("Subject") or ""
    try:
        subject = str(make_header(decode_header(raw)))
    except Exception as e:
        subject = "UNDECODABLE: %s" % e
    try:
        date = email.utils.parsedate_to_datetime(message.get("Date")).isoformat()
    except Exception:
        date = ""
    def text_of(part):
        try:
            return part.get_payload(decode=True).decode(part.get_content_charset() or "ascii")
        except Exception as e:
            return "UNDECODABLE: %s" % e

    text, calendar = message, None
    if message.is_multipart():
        text = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
        calendar = next((p for p in message.walk() if p.get_content_type() == "text/calendar"),
                        None)
    charset = text.get_content_charset() or ""
    return {
        "message_id": (message.get("Message-ID") or "").strip(), "subject": subject,
        "subject_raw": raw, "subject_ascii": all(ord(c) < 128 for c in raw),
        "from": message.get("From") or "",
        "to": str(make_header(decode_header(message.get("To") or ""))),
        "rcpt": message.get("X-RcptTo") or "", "date": date,
        "content_type": message.get_content_type(), "charset": charset.lower(),
        "body": text_of(text), "calendar": text_of(calendar) if calendar else ""}


def main(argv):
    if len(argv) != 3 or argv[1] not in ("ids", "full"):
        sys.exit(__doc__)
    for message in messages(argv[2]):
        if argv[1] == "ids":
            sys.stdout.write((message.get("Message-ID") or "").strip() + "\n")
        else:
            sys.stdout.write(json.dumps(describe(message), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
