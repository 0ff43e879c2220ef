import pytest

pytestmark = pytest.mark.django_db


def test_home_page_speaks_vietnamese_even_to_an_english_browser(client, province):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "Dịch vụ công của Quảng Ninh" in page
    assert response["Content-Language"] == "vi"


def test_language_switch_turns_the_site_english_and_stays(client, province):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Public services of Quảng Ninh" in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Dịch vụ công của Quảng Ninh" in client.get("/").content.decode()


def test_each_language_is_offered_in_its_own_name(client, province):
    page = client.get("/").content.decode()
    assert ">Tiếng Việt</button>" in page
    assert ">English</button>" in page


def test_language_switch_needs_the_csrf_token(province):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/i18n/setlang/", {"language": "en"}).status_code == 403


def test_pages_have_landmarks_and_a_skip_link(client, province):
    page = client.get("/").content.decode()
    for marker in ('href="#main"', '<main id="main"', "<header", "<nav", "<footer"):
        assert marker in page


def test_static_assets_are_served_from_the_project_not_a_cdn(client, province):
    page = client.get("/").content.decode()
    assert "/static/motcua/vendor/htmx.min.js" in page
    assert "http" not in page.split("<body")[0].replace("http-equiv", "")


def test_unknown_page_answers_404_in_vietnamese(client, province):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
