"""The app as the NiceGUI ``user`` fixture runs it: a fresh SQLite file per test."""

import os

from nicegui import ui

from workshop.app import setup
from workshop.config import Settings

setup(Settings(database_url=os.environ['WORKSHOP_TEST_DATABASE_URL'], public_url='http://workshop.test',
               admin_secret='test-admin-secret'))
ui.run(storage_secret='test storage secret', language='de', reload=False)
