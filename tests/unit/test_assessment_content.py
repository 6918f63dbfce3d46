"""The questionnaire content: the shipped set is valid and locked; a broken
or changed file stops the portal from starting, naming the file and place."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from portal.app import create_app
from portal.assessment.content import CONTENT_DIR, ContentError, load_file, load_library

SHIPPED = CONTENT_DIR / "oma-arvio-v1.toml"
AREAS = {"work_ability", "functioning", "mental", "social", "physical", "skills", "daily_life"}


def test_the_shipped_set_covers_the_areas_with_15_to_25_items() -> None:
    questionnaire = load_file(SHIPPED).questionnaire
    assert 15 <= len(questionnaire.questions) <= 25
    assert {area.id for area in questionnaire.areas} == AREAS
    assert {q.area for q in questionnaire.questions} == AREAS
    types = [q.type for q in questionnaire.questions]
    assert types.count("scale11") == 1  # only the general work ability item
    assert types.count("scale5") >= 12  # words on every choice, as this client group needs
    assert {"single", "multiple", "text"} <= set(types)
    assert questionnaire.brand == ""  # the UI says "Kykyviisari" only when the content says so


def test_the_shipped_finnish_texts_are_short_sentences() -> None:
    questionnaire = load_file(SHIPPED).questionnaire
    texts = [q.text.fi for q in questionnaire.questions] + [q.hint.fi for q in questionnaire.questions if q.hint]
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 15, sentence


def test_the_published_version_is_locked_to_its_file() -> None:
    library = load_library(CONTENT_DIR)
    loaded = library.current()
    assert (loaded.questionnaire.id, loaded.questionnaire.version) == ("oma-arvio", 1)
    assert loaded.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    assert f'"oma-arvio@1" = "{loaded.sha256}"' in (CONTENT_DIR / "published.toml").read_text()


def copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def test_a_changed_published_file_is_refused(tmp_path) -> None:
    folder = copy_content(tmp_path)
    path = folder / "oma-arvio-v1.toml"
    path.write_text(path.read_text().replace("Nukutko hyvin?", "Nukutko hyvin yöllä?"))
    with pytest.raises(ContentError, match="oma-arvio-v1.toml.*published and its file has changed"):
        load_library(folder)


def test_a_new_version_is_a_new_file(tmp_path) -> None:
    folder = copy_content(tmp_path)
    text = (folder / "oma-arvio-v1.toml").read_text()
    (folder / "oma-arvio-v2.toml").write_text(text.replace("version = 1", "version = 2").replace("Nukutko hyvin?", "Nukutko hyvin yöllä?"))
    library = load_library(folder)
    assert library.current().questionnaire.version == 2
    old = library.versions[("oma-arvio", 1)]
    assert library.get("oma-arvio", 1, old.sha256) is old.questionnaire  # started on 1, finishes on 1
    assert library.get("oma-arvio", 1, "0" * 64) is None  # a stored hash that does not match


def test_the_same_version_twice_is_refused(tmp_path) -> None:
    folder = copy_content(tmp_path)
    shutil.copy(folder / "oma-arvio-v1.toml", folder / "copy.toml")
    with pytest.raises(ContentError, match="version 1 is also in"):
        load_library(folder)


@pytest.mark.parametrize(("old", "new", "place"), [
    ('type = "scale11"', 'type = "slider"', "sections.0.questions.0.type"),
    ('area = "mental"', 'area = "nowhere"', "unknown area 'nowhere'"),
    ('scale = "how_often"', 'scale = "missing"', "unknown scale 'missing'"),
    ('max_length = 500', 'max_length = 0', "max_length"),
    ('en = "Do you sleep well?"', 'fr = "Dormez-vous bien?"', "text.en"),
    ('minutes = 10', 'minutes = "ten"', "minutes"),
])
def test_an_invalid_file_names_the_file_and_the_place(tmp_path, old, new, place) -> None:
    folder = copy_content(tmp_path)
    (folder / "published.toml").unlink()
    path = folder / "oma-arvio-v1.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as refused:
        load_library(folder)
    assert "oma-arvio-v1.toml" in str(refused.value) and place in str(refused.value)


def test_broken_toml_is_refused(tmp_path) -> None:
    folder = copy_content(tmp_path)
    (folder / "oma-arvio-v1.toml").write_text("id = ")
    with pytest.raises(ContentError, match="not valid TOML"):
        load_library(folder)


def test_the_portal_refuses_to_start_with_invalid_content(tmp_path, monkeypatch, settings) -> None:
    folder = copy_content(tmp_path)
    (folder / "oma-arvio-v1.toml").write_text((folder / "oma-arvio-v1.toml").read_text() + "\nunknown_key = 1\n")
    monkeypatch.setenv("PORTAL_ASSESSMENT_CONTENT_DIR", str(folder))
    with pytest.raises(ContentError, match="unknown_key"):
        create_app(dataclasses.replace(settings))


def test_a_choice_picture_has_its_text_alternative_on_the_page(tmp_path, monkeypatch, settings, demo_data) -> None:
    from tests.support.assessment_helpers import AINO, as_client, start
    from tests.support.page_sanity import CheckedClient

    folder = copy_content(tmp_path)
    (folder / "published.toml").unlink()
    path = folder / "oma-arvio-v1.toml"
    path.write_text(path.read_text().replace(
        '{ value = "never", score = 5, text = { fi = "Ei ole", sv = "Nej", en = "No" } }',
        '{ value = "never", score = 5, text = { fi = "Ei ole", sv = "Nej", en = "No" }, image = "smile.svg", '
        'image_alt = { fi = "Iloiset kasvot", sv = "Glatt ansikte", en = "A happy face" } }'))
    monkeypatch.setenv("PORTAL_ASSESSMENT_CONTENT_DIR", str(folder))
    app = create_app(settings)
    app.state.templates.globals["static_url"] = lambda name: f"/static/{name}"  # no picture file is shipped
    with CheckedClient(app, base_url="http://127.0.0.1:8000") as client:
        as_client(client, app, AINO)
        assessment_id, _first = start(client)
        page = client.get(f"/assessment/{assessment_id}/questions/pain")
    image = re.search(r'<label class="choice__label" for="answer-0"><img class="choice__image" src="([^"]+)" alt="([^"]+)">',
                      page.text)
    assert image and image.groups() == ("/static/assessment/smile.svg", "Iloiset kasvot")
    app.state.engine.dispose()


def test_a_picture_without_a_text_alternative_is_refused(tmp_path) -> None:
    folder = copy_content(tmp_path)
    (folder / "published.toml").unlink()
    path = folder / "oma-arvio-v1.toml"
    path.write_text(path.read_text().replace('en = "Every day" } }', 'en = "Every day" }, image = "sad.svg" }'))
    with pytest.raises(ContentError, match="image_alt"):
        load_library(folder)
