"""The public catalog API."""

import pytest

pytestmark = pytest.mark.django_db


def test_procedure_list_is_public_and_filters_by_sector_and_text(client, catalog):
    everything = client.get("/api/catalog/procedures")
    assert everything.status_code == 200
    assert len(everything.json()) == 25
    civil = client.get("/api/catalog/procedures", {"sector": "Hộ tịch"}).json()
    assert {p["code"] for p in civil} >= {"1.001193", "1.000656", "1.000894"}
    assert all(p["sector"] == "Hộ tịch" for p in civil)
    found = client.get("/api/catalog/procedures", {"q": "hộ chiếu"}).json()
    assert [p["code"] for p in found] == ["2.002286"]


def test_procedure_list_filters_by_online_level(client, catalog):
    partial = client.get("/api/catalog/procedures", {"online_level": "partial"}).json()
    assert partial and all(p["online_level"] == "partial" for p in partial)


def test_procedure_detail_has_documents_fees_and_steps(client, catalog):
    body = client.get("/api/catalog/procedures/2.002286").json()
    assert body["processing_days"] == 8
    assert body["fees"][0]["amount"] == 200_000
    assert [s["step"] for s in body["steps"]] == [
        "receive",
        "digitise",
        "appraise",
        "approve",
        "return",
    ]
    assert sum(s["share_percent"] for s in body["steps"]) == 100
    assert {d["code"] for d in body["documents"]} >= {"passport_form"}


def test_unknown_procedure_is_404(client, catalog):
    assert client.get("/api/catalog/procedures/0.000000").status_code == 404


def test_essential_services_count_43_online_of_53(client, catalog):
    body = client.get("/api/catalog/essential-services").json()
    assert (body["online"], body["total"], body["project06"]) == (43, 53, 25)
    assert len(body["items"]) == 53
