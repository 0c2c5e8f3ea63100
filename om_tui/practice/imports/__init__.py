"""The schedule from the practice's own system: CSV exports, iCalendar files and HL7 v2
scheduling (SIU) messages, read into one kind of record and applied to the book.

Reading (`read_file`) turns a file into `ImportedAppointment`s, or line errors saying
which line or message and why; nothing is written. Applying (`apply`) upserts them on
(source, external id) in one transaction per file. No Textual here.
"""
