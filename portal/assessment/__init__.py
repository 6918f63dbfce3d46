"""The self-assessment: questionnaires as content files, drafts stored per
answer, due dates from the client's period, comparison and feedback.

Nothing here knows about HTTP; portal.web.assessment_pages and
portal.web.assessment_staff call into it.
"""
