"""The self-assessment: questionnaires as content files, drafts stored per
answer, due dates from the client's period, comparison and feedback.

Nothing here knows about HTTP; portal.assessment.routes.client and
portal.assessment.routes.staff call into it.
"""
