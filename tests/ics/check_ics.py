#!/usr/bin/env python3
"""Parses an iCalendar feed from stdin with the independent `icalendar` package (RFC 5545) and
prints its events as JSON: [{"uid", "summary", "start", "end", "location"}]. Exits non-zero when
the feed does not parse or an event lacks a property RFC 5545 requires (UID, DTSTAMP, DTSTART)."""

import json
import sys

from icalendar import Calendar


def main() -> int:
    calendar = Calendar.from_ical(sys.stdin.buffer.read())
    if calendar.name != "VCALENDAR" or str(calendar.get("VERSION")) != "2.0":
        print("not an iCalendar 2.0 object", file=sys.stderr)
        return 1
    if not calendar.get("PRODID"):
        print("PRODID missing", file=sys.stderr)
        return 1
    events = []
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            if event.get(required) is None:
                print(f"an event lacks {required}", file=sys.stderr)
                return 1
        events.append(
            {
                "uid": str(event["UID"]),
                "summary": str(event.get("SUMMARY", "")),
                "start": event.decoded("DTSTART").isoformat(),
                "end": event.decoded("DTEND").isoformat() if event.get("DTEND") else None,
                "location": str(event.get("LOCATION", "")),
            }
        )
    json.dump(events, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
