"""Forms of the self-assessment: one question per page, built from the content."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, RadioField, SelectMultipleField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.assessment.content import Question, Questionnaire
from portal.forms import PortalForm, errors
from portal.i18n import lazy_gettext as _l

COMMENT_MAX = 1000


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes in a fieldset; the field macro renders them like radios."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _only_offered(offered: set[str], message: Any):  # type: ignore[no-untyped-def]
    def check(_form: PortalForm, field: Any) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if not values or any(value not in offered for value in values):
            raise ValidationError(message)
    return check


class QuestionForm(PortalForm):
    # The answer's revision when the page was shown (0: not answered yet).
    revision = HiddenField()
    # The content id@version the page was built from; another one is refused.
    content = HiddenField()
    # "check" when the person came from the check-your-answers page.
    back_to = HiddenField()

    def revision_seen(self) -> int | None:
        try:
            value = int(self.revision.data or "")
        except ValueError:
            return None
        return value if 0 <= value < 1_000_000 else None


def question_form_class(questionnaire: Questionnaire, question: Question, locale: str) -> type[QuestionForm]:
    """A form class with one `answer` field for this question, in this language."""
    label = question.text(locale)
    hint = question.hint(locale) if question.hint else None
    choices = [SelectChoice(choice.value, choice.text(locale)) for choice in questionnaire.choices(question)]
    offered = {choice.value for choice in choices}
    field: Any
    if question.type == "text":
        limit = question.max_length or 0
        field = TextAreaField(label, description=hint, validators=[
            DataRequired(message=errors.WRITE_ANSWER_OR_SKIP),  # after the strip: blanks are no answer
            Length(max=limit, message=errors.answer_too_long(limit)),
        ], filters=[lambda value: value.strip() if isinstance(value, str) else value])
    elif question.type == "multiple":
        field = MultiCheckboxField(label, description=hint, choices=choices, validate_choice=False,
                                   validators=[_only_offered(offered, errors.CHOOSE_AT_LEAST_ONE)])
    else:
        field = RadioField(label, description=hint, choices=choices, validate_choice=False,
                           validators=[InputRequired(message=errors.CHOOSE_ONE), _only_offered(offered, errors.CHOOSE_ONE)])
    attributes: dict[str, Any] = {"answer": field}
    form_class = type("AnswerForm", (QuestionForm,), attributes)
    return form_class


def option_hints(questionnaire: Questionnaire, question: Question, locale: str) -> dict[str, str]:
    """Words for the ends of a 0–10 scale."""
    if question.type == "scale11" and question.low_label and question.high_label:
        return {"0": question.low_label(locale), "10": question.high_label(locale)}
    return {}


def option_images(questionnaire: Questionnaire, question: Question, locale: str) -> dict[str, tuple[str, str]]:
    return {
        choice.value: (choice.image, choice.image_alt(locale))
        for choice in questionnaire.choices(question)
        if choice.image and choice.image_alt
    }


class SendForm(PortalForm):
    pass


class StartForm(PortalForm):
    pass


class ReviewForm(PortalForm):
    comment = TextAreaField(
        _l("Kommentti asiakkaalle (vapaaehtoinen)"),
        description=_l("Asiakas näkee kommentin tulostensa kohdalla."),
        validators=[Length(max=COMMENT_MAX, message=errors.COMMENT_TOO_LONG)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
