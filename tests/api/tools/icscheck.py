#!/usr/bin/python3
"""icscheck.py FILE.ics -- parse a feed with python3-icalendar (an outside
reader, not libical) and print one JSON object per event: uid, summary,
dtstart, dtstamp, sequence, last_modified, all_day. Exit 1 if the file does
not parse."""
import json
import sys

from icalendar import Calendar

with open(sys.argv[1], 'rb') as f:
    cal = Calendar.from_ical(f.read())
out = []
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART')
    lm = ev.get('LAST-MODIFIED')
    out.append({
        'uid': str(ev.get('UID')),
        'summary': str(ev.get('SUMMARY')),
        'description': str(ev.get('DESCRIPTION')) if ev.get('DESCRIPTION') else None,
        'dtstart': start.isoformat(),
        'all_day': not hasattr(start, 'hour'),
        'dtstamp': ev.decoded('DTSTAMP').isoformat(),
        'sequence': int(ev.get('SEQUENCE')) if ev.get('SEQUENCE') is not None else None,
        'last_modified': ev.decoded('LAST-MODIFIED').isoformat() if lm is not None else None,
    })
print(json.dumps(out))
