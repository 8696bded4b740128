"""A real SMTP server for the tests (aiosmtpd), on loopback.

Every message it accepts is appended as one JSON line to DIR/messages.jsonl: the envelope's
recipients, the subject, the Message-ID and the decoded plain-text and HTML parts. Recipients
whose address contains "reject" are refused for good (550); "later", for now (451).

    smtpd.py PORT DIR        prints "ready" once it listens; stops on SIGTERM
"""

import asyncio
import email
import email.policy
import json
import signal
import sys

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, path):
        self.path = path

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if "later" in address:
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {"text/plain": "", "text/html": ""}
        attachments = []
        for part in message.walk():
            kind = part.get_content_type()
            if part.is_multipart():
                continue
            if part.get_filename():
                attachments.append({"filename": part.get_filename(), "content_type": kind,
                                    "content": part.get_content()})
            elif kind in parts:
                parts[kind] = part.get_content()
        record = {
            "to": envelope.rcpt_tos,
            "from": envelope.mail_from,
            "subject": str(message.get("Subject", "")),
            "message_id": str(message.get("Message-ID", "")),
            "text": parts["text/plain"],
            "html": parts["text/html"],
            "attachments": attachments,
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Keep(folder + "/messages.jsonl"), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.new_event_loop()
    done = asyncio.Event()
    stop.add_signal_handler(signal.SIGTERM, done.set)
    stop.add_signal_handler(signal.SIGINT, done.set)
    stop.run_until_complete(done.wait())
    controller.stop()


if __name__ == "__main__":
    main()
