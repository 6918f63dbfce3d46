"""Public pages: front page, accessibility statement and feedback, contact
details, and the language switch. (The health checks are in portal.health.)"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db, i18n
from portal.feedback.accessibility import record_accessibility_feedback
from portal.forms import errors
from portal.feedback.forms import AccessibilityFeedbackForm
from portal.i18n import get_locale
from portal.organisation import contact_details
from portal.web import kiosk
from portal.web.guard import public, public_page, request_meta
from portal.web.middleware import LANGUAGE_COOKIE
from portal.web.redirects import local_path
from portal.web.templating import render


@public_page
async def front_page(request: Request) -> Response:
    return render(request, "public/front.html", {"is_kiosk": kiosk.is_kiosk(request)})


# Update these when the statement's content changes (law 306/2019 asks for both).
STATEMENT_DATE = date(2026, 11, 23)
STATEMENT_UPDATED = date(2026, 12, 7)


@public_page
async def accessibility_statement(request: Request) -> Response:
    return render(
        request,
        "public/accessibility.html",
        {"statement_date": STATEMENT_DATE, "statement_updated": STATEMENT_UPDATED},
    )


@public_page
async def accessibility_feedback(request: Request) -> Response:
    form = await AccessibilityFeedbackForm.load(request)
    if request.method == "POST":
        if form.validate_submission():
            feedback_id = await db.run(
                request,
                record_accessibility_feedback,
                message=form.message.data,
                page=form.page.data or "",
                contact=form.contact.data or "",
                language=get_locale(),
                sender_address=request_meta(request)["ip_address"],
                secret=request.app.state.settings.secret_key,
            )
            if feedback_id is None:  # the form again, with what was written, not a page that loses it
                form.message.errors = [errors.TOO_MANY_SENT]
                return render(request, "public/accessibility_feedback.html", {"form": form}, status_code=429)
            # A path, never request.url_for: that would build it from the Host header.
            return RedirectResponse(request.app.url_path_for("accessibility_feedback_sent"), status_code=303)
        return render(request, "public/accessibility_feedback.html", {"form": form}, status_code=400)
    return render(request, "public/accessibility_feedback.html", {"form": form})


@public_page
async def accessibility_feedback_sent(request: Request) -> Response:
    return render(request, "public/accessibility_feedback_sent.html")


@public_page
async def contact(request: Request) -> Response:
    organisations = await db.run(request, contact_details)
    return render(request, "public/contact.html", {"organisations": organisations})


ONE_YEAR = 365 * 24 * 3600


@public
async def change_language(request: Request) -> Response:
    code = i18n.supported(request.path_params["code"])
    response = RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


routes = [
    Route("/", front_page, name="front_page"),
    Route("/accessibility", accessibility_statement, name="accessibility_statement"),
    Route(
        "/accessibility/feedback",
        accessibility_feedback,
        methods=["GET", "POST"],
        name="accessibility_feedback",
    ),
    Route("/accessibility/feedback/sent", accessibility_feedback_sent, name="accessibility_feedback_sent"),
    Route("/contact", contact, name="contact"),
    Route("/language/{code}", change_language, name="change_language"),
]
