"""What a feedback write sets off, after the commit (see :mod:`smartcrm.core.events`).

- a review recorded or moderated: its text analysis (again, on moderation) and the workflows
  it triggers;
- a survey answer saved: text analysis of its comment, if it has one.
"""

from __future__ import annotations

from smartcrm.core.events import announce
from smartcrm.feedback.models import Review, SurveyResponse


def review_saved(review: Review) -> None:
    announce(review, "smartcrm.textanalysis.events.review_saved", "smartcrm.automation.events.review_saved")


def survey_response_saved(response: SurveyResponse) -> None:
    announce(response, "smartcrm.textanalysis.events.survey_response_saved")
