"""Client search by name ignores case and Czech diacritics and uses its index."""

import pytest
from django.db import connection
from django.urls import reverse

from clients.models import Client
from clients.selectors import folded, search_clients
from tests.factories import ClientFactory


@pytest.fixture
def people(alice, oscar):
    org = alice.organisation
    return {
        "novak": ClientFactory(organisation=org, created_by=alice, first_name="Jan", last_name="Novák"),
        "horvath": ClientFactory(organisation=org, created_by=alice, first_name="Žaneta", last_name="Horváthová"),
        "pepa": ClientFactory(
            organisation=org,
            created_by=alice,
            identity=Client.Identity.PSEUDONYM,
            first_name="",
            last_name="",
            nickname="Čiko",
            birth_year=1990,
        ),
        "foreign": ClientFactory(organisation=oscar.organisation, created_by=oscar, last_name="Novák"),
    }


def _found(user, query):
    return set(search_clients(user, query).values_list("pk", flat=True))


def test_folded():
    assert folded("Žaneta HORVÁTHOVÁ ěščřžýáíéůú") == "zaneta horvathova escrzyaieuu"


def test_search_ignores_case_and_diacritics(alice, people):
    assert _found(alice, "novak") == {people["novak"].pk}
    assert _found(alice, "HORVATH") == {people["horvath"].pk}
    assert _found(alice, "horváth") == {people["horvath"].pk}
    assert _found(alice, "zaneta horv") == {people["horvath"].pk}
    assert _found(alice, "ciko") == {people["pepa"].pk}
    assert _found(alice, "Nováková") == set()
    assert _found(alice, "jan novak") == {people["novak"].pk}
    assert _found(alice, "100%_") == set()


def test_search_stays_in_the_organisation(oscar, people):
    assert _found(oscar, "novak") == {people["foreign"].pk}


def test_search_uses_the_trigram_index(alice, people):
    queryset = search_clients(alice, "novak")
    with connection.cursor() as cursor:
        # With a handful of rows the planner would rather read the organisation's few clients.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # ...so, inside this test's transaction, the other indexes go.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'clients_client' "
            "AND indexname NOT IN ('clients_client_pkey', 'client_org_search_trgm_idx')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "client_org_search_trgm_idx" in plan, plan


def test_search_page_finds_without_diacritics(client, alice, people):
    client.force_login(alice)
    response = client.post(reverse("clients:list"), {"q": "HORVATH"})
    assert response.status_code == 200
    assert "Horváthová" in response.content.decode()


def test_short_words_match_the_beginning_of_a_name(alice, people):
    assert _found(alice, "ho") == {people["horvath"].pk}
    assert _found(alice, "Ža") == {people["horvath"].pk}
    assert _found(alice, "va") == set()


def test_search_finds_czech_surnames_typed_without_diacritics(alice):
    vesela = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Eva", last_name="Veselá")
    dudova = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Ilona", last_name="Dudová")
    assert _found(alice, "vesela") == {vesela.pk}
    assert _found(alice, "dudova") == {dudova.pk}
    assert _found(alice, "DUDOVÁ ilona") == {dudova.pk}
