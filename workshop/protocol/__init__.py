"""The protocol (minutes) of a workshop: a data layer, renderers (PDF, DOCX, Markdown, CSV) and the archive.

``document.load_document`` reads everything from the database into plain dataclasses;
the renderers are pure functions of that document (picklable, so they run in a worker
process with NiceGUI's ``run.cpu_bound``); ``archive`` exports and imports a whole
workshop as versioned JSON.
"""
