"""Reads an iCalendar file with the `icalendar` package, independently of the service that
wrote it, and prints what a calendar program would take from it as JSON: the time zone of
each date, the start and end as UTC instants, and the text fields. Fails (exit 1) when the
file does not parse or its dates are not time-zone aware."""

import json
import sys

import icalendar


def main(path):
    with open(path, "rb") as file:
        calendar = icalendar.Calendar.from_ical(file.read())
    events = [part for part in calendar.walk() if part.name == "VEVENT"]
    zones = [str(part.get("TZID")) for part in calendar.walk() if part.name == "VTIMEZONE"]
    out = {"version": str(calendar.get("VERSION")), "zones": zones, "events": []}
    for event in events:
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        if start.tzinfo is None or end.tzinfo is None:
            raise SystemExit("the dates carry no time zone")
        out["events"].append(
            {
                "uid": str(event.get("UID")),
                "summary": str(event.get("SUMMARY")),
                "location": str(event.get("LOCATION")),
                "description": str(event.get("DESCRIPTION")),
                "tzid": str(event["DTSTART"].params.get("TZID")),
                "start_utc": start.astimezone(__import__("datetime").timezone.utc).isoformat(),
                "end_utc": end.astimezone(__import__("datetime").timezone.utc).isoformat(),
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
