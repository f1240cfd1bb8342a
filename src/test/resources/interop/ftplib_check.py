"""Drives loomftp with Python's standard ftplib; run by PythonFtplibInteropTest.

Usage: ftplib_check.py HOST PORT USER PASSWORD SCENARIO [ARGUMENT]

Scenarios: "mlsd-rest"; "abort", for which the home holds big.bin, large enough that a download
cannot finish while the client stops reading; "utf8 NAME". Prints "PASS <step>" for each step
that worked and "PASS quit" at the end; the first failure raises, which prints a traceback and
exits with status 1.
"""
import io
import sys
from ftplib import FTP

CHUNK = 64 * 1024


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def retrieve(ftp, name, rest=None):
    received = bytearray()
    ftp.retrbinary("RETR " + name, received.extend, rest=rest)
    return bytes(received)


def mlsd_and_rest(ftp, _):
    data = bytes((i * 7) % 251 for i in range(300_000))
    ftp.storbinary("STOR data.bin", io.BytesIO(data))
    facts = dict(ftp.mlsd(facts=["type", "size"]))
    check(facts["data.bin"] == {"type": "file", "size": str(len(data))}, "mlsd data.bin: %r" % facts.get("data.bin"))
    check(facts["Public"]["type"] == "dir", "mlsd Public: %r" % facts.get("Public"))
    print("PASS mlsd")

    check(retrieve(ftp, "data.bin", rest=100_000) == data[100_000:], "RETR after REST 100000")
    ftp.storbinary("STOR half.bin", io.BytesIO(data[:123_456]))
    ftp.storbinary("STOR half.bin", io.BytesIO(data[123_456:]), rest=123_456)
    check(retrieve(ftp, "half.bin") == data, "STOR after REST 123456 leaves the whole file")
    print("PASS rest")


def abort_running_download(ftp, _):
    connection = ftp.transfercmd("RETR big.bin")
    received = 0
    while received < 1024 * 1024:
        chunk = connection.recv(CHUNK)
        check(chunk, "the download ended after %d bytes, before ABOR" % received)
        received += len(chunk)
    # ftplib's abort() returns the first reply: the RETR's 426, or the ABOR's own 225/226 when the
    # transfer had already ended. After a 426 the ABOR's reply follows.
    replies = [ftp.abort()]
    if replies[0].startswith("426"):
        replies.append(ftp.getresp())
    connection.close()
    print("abort replies: %r" % replies)
    check(replies[-1][:3] in ("225", "226"), "ABOR answered %r" % replies)
    check(ftp.voidcmd("NOOP").startswith("200"), "NOOP after ABOR")
    check(ftp.pwd() == "/", "PWD after ABOR")
    print("PASS abort")


def unicode_names(ftp, name):
    content = ("Grüße, " + name + "\n").encode("utf-8") * 100
    ftp.storbinary("STOR " + name, io.BytesIO(content))
    check(name in ftp.nlst(), "nlst lists %r: %r" % (name, ftp.nlst()))
    check(name in [entry for entry, _ in ftp.mlsd()], "mlsd lists %r" % name)
    check(retrieve(ftp, name) == content, "download of %r" % name)
    print("PASS utf8")


SCENARIOS = {"mlsd-rest": mlsd_and_rest, "abort": abort_running_download, "utf8": unicode_names}


def main():
    host, port, user, password, scenario = sys.argv[1:6]
    argument = sys.argv[6] if len(sys.argv) > 6 else None
    ftp = FTP(timeout=20, encoding="utf-8")
    ftp.connect(host, int(port))
    ftp.login(user, password)
    SCENARIOS[scenario](ftp, argument)
    ftp.quit()
    print("PASS quit")


if __name__ == "__main__":
    main()
