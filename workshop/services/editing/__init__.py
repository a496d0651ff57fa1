"""Editing a workshop in the browser (lead moderator's secret link): its details, agenda, rounds,
topics, breakouts and guiding questions.

Guiding questions of a topic are a sequence ordered by ``position``. A run of neighbouring
questions with the same ``block`` is one themed block: one number, sub-questions a., b., …;
every other question has its own number. After every change the topic is renumbered from
that sequence, exactly as ``create_from_template`` numbers a template. Nothing that already
holds ideas (a question, a topic, a round) or that participants already joined (a topic's or
a round's rooms) can be deleted.

The package, one module per entity: ``details`` (reading the structure, the workshop's details),
``agenda``, ``rounds`` (rounds, topics, breakouts), ``questions`` (questions, blocks, renumbering),
``validation`` (cleaning input, limits); ``common`` holds the helpers they share.
"""

from .agenda import add_agenda_item, delete_agenda_item, move_agenda_item, update_agenda_item
from .details import Structure, load, update_details
from .questions import add_question, delete_question, move_block, move_question, rename_block, units, update_question
from .rounds import add_round, add_topic, delete_round, delete_topic, rename_round, rename_topic, update_breakout

__all__ = [
    'Structure', 'add_agenda_item', 'add_question', 'add_round', 'add_topic', 'delete_agenda_item', 'delete_question',
    'delete_round', 'delete_topic', 'load', 'move_agenda_item', 'move_block', 'move_question', 'rename_block',
    'rename_round', 'rename_topic', 'units', 'update_agenda_item', 'update_breakout', 'update_details',
    'update_question',
]
