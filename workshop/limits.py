"""The limits of a workshop's texts, numbers and structure, in one place.

The services that clean what people type and the archive's models
(``protocol/archive_models.py``, which also write ``docs/archive.schema.json``) take their
numbers from here, so an archive accepts exactly what the app can hold. The database's column
sizes (``models.py``, the migrations) are at least as large.
"""

from __future__ import annotations

TITLE_MAX = 300  # titles, subtitles, blocks, speakers, stakeholder groups, moderators' names
QUESTION_MAX = 1000  # a guiding question
CONTEXT_MAX = 20_000  # the background ("Ausgangssituation")
PROCEEDINGS_MAX = 20_000  # the protocol's "Verlauf"
REPRESENTATIVES_MAX = 20  # who represented the organiser, one line each (TITLE_MAX)
CO_MODERATORS_MAX = 10  # further moderators of one room
QUESTION_SUMMARY_MAX = 5_000  # the summary of the answers to a guiding question (protocol)
GROUPS_MAX = 30  # stakeholder groups of a workshop
AGENDA_MAX = 100
ROUNDS_MAX = 20
TOPICS_MAX = 50
QUESTIONS_MAX = 100  # guiding questions of a topic
SUBS_MAX = 26  # sub-questions of a block: a. … z.
SUB_LABEL_MAX = 3  # a sub-question's letter
DOTS_MIN, DOTS_MAX = 1, 20  # dots per person and question, and per idea
LABEL_MAX = 40  # a breakout's label, "W 1.2"
TEMPLATE_NAME_MAX = 200  # the template a workshop was made from

NAME_MAX = 120  # a participant's name
ORGANISATION_MAX = 200  # a participant's organisation
IDEA_MAX = 500  # what a participant types on their phone
# what the moderation enters on someone's behalf (the video call's chat, a flip chart) or edits: a summary
# of several statements with "- " sub-points can be long
IDEA_MODERATION_MAX = 2000
COMMENT_MAX = 500  # a comment on an earlier round's idea in a gallery walk
IDEA_GROUP_MAX = 200  # the moderator's heading over ideas: a cluster's title
CLUSTERS_MAX = 50  # clusters of one question in one breakout
UNDO_KEPT = 200  # curation steps kept per question for undo
KEY_RESULT_MAX = 1000
KEY_RESULTS_MAX = 20  # per breakout, and per question of a breakout
NOTICE_MAX = 300  # the lead's notice on every screen

CONCLUSION_TITLE_MAX = 500
CONCLUSION_TEXT_MAX = 20_000
CONCLUSIONS_MAX = 30
CORRECTION_MAX = 10_000  # the lead's correction of a stakeholder group's head count, either way
RETENTION_MAX_DAYS = 3650
LOGO_TYPES = ('image/png', 'image/jpeg')
LOGO_MAX_BYTES = 2_000_000
WORD_TEMPLATE_MAX_BYTES = 5_000_000  # the organisation's Word template (.docx/.dotx with its logo)
