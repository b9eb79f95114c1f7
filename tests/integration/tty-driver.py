#!/usr/bin/python3
"""Runs a command on a fresh pseudo-terminal and answers its prompts.

usage: tty-driver.py TRANSCRIPT COMMAND [ARGS...]
The answers, one per prompt, come from $TTY_ANSWERS (newline-separated;
"<empty>" answers with an empty line). A prompt is output ending in ": " (or
in "] ", a yes/no question's "[y/N] "). Everything the program writes to the
terminal goes to TRANSCRIPT, so a test can check that nothing was echoed.
Exits with the command's status; gives up after 30 s.
"""
import os
import pty
import select
import sys
import time

transcript_path, argv = sys.argv[1], sys.argv[2:]
answers = [a for a in os.environ.get("TTY_ANSWERS", "").split("\n") if a]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

output = b""
answered = 0
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        if output.endswith((b": ", b"] ")) and answered < len(answers):
            answer = "" if answers[answered] == "<empty>" else answers[answered]
            os.write(fd, answer.encode() + b"\n")
            answered += 1
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:  # EIO: the child closed the terminal
        break
    if not data:
        break
    output += data

with open(transcript_path, "wb") as transcript:
    transcript.write(output)
try:
    _, status = os.waitpid(pid, os.WNOHANG if time.monotonic() >= deadline else 0)
except ChildProcessError:
    status = 1 << 8
if time.monotonic() >= deadline:
    os.kill(pid, 9)
    sys.exit(124)
sys.exit(os.waitstatus_to_exitcode(status))
