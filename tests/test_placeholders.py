"""Placeholders rendered per recipient: every problem named before anything is queued."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from pegaso_tui.db.selections import (
    PracticeFilters,
    PracticeStatus,
    PromoFilters,
    SelectionRow,
    practices_to_notify,
    promo_recipients,
)
from pegaso_tui.sms.placeholders import (
    MissingValue,
    PlaceholderError,
    Recipient,
    TemplatePreview,
    TemplateProblems,
    check_template,
    format_balance,
    free_recipient,
    placeholders_in,
    recipient_from_row,
    render,
    render_for_recipients,
)
from pegaso_tui.sms.text import analyze
from tests.factories import make_client, make_practice

BALANCE_SMS = (
    "Gentile {nome} {cognome}, per la pratica {pratica} ({destinazione}, partenza "
    "{partenza}) resta da saldare {saldo}. {agenzia}"
)


@pytest.fixture
def practices(db):
    """Three practices to notify for balance, with real rows from the selection."""
    rosso = make_client("0000280", name="ROSSO STEFANO", first_name="Stefano", last_name="Rosso")
    futura = make_client("0000002", name="FUTURA VIAGGI", first_name="", last_name="", kind="company")
    make_practice(rosso, "2026/0001", destination="Mykonos", departure_date=date(2026, 7, 14),
                  balance=Decimal("1234.50"))
    make_practice(rosso, "2026/0002", destination="Sharm el Sheikh", departure_date=None,
                  balance=Decimal("80"))
    make_practice(futura, "2026/0003", destination="Curaçao", balance=Decimal("0"))
    return practices_to_notify(PracticeFilters(PracticeStatus.BALANCE_NOT_NOTIFIED)).rows


def test_the_values_come_from_the_selection_row(practices):
    first = recipient_from_row(practices[1])  # 0000280's Mykonos practice (ordered by client)
    assert first.label == "0000280 ROSSO STEFANO (pratica 2026/0001)"
    assert first.values["nome"] == "Stefano"
    assert first.values["partenza"] == "14-07-2026"
    assert first.values["saldo"] == "€ 1.234,50"
    assert first.values["destinazione"] == "Mykonos"


def test_every_problem_is_reported_at_once_naming_the_recipients(practices):
    with pytest.raises(TemplateProblems) as caught:
        render_for_recipients(BALANCE_SMS + " {nom} {data}", practices, agency="")
    problems = caught.value.problems
    assert problems[0] == (
        "segnaposto sconosciuto: {nom}, {data} (disponibili: {nome}, {cognome}, "
        "{ragione_sociale}, {pratica}, {partenza}, {destinazione}, {saldo}, {agenzia})"
    )
    assert "{nome} manca per 1 destinatario: 0000002 FUTURA VIAGGI (pratica 2026/0003)" in problems
    assert "{cognome} manca per 1 destinatario: 0000002 FUTURA VIAGGI (pratica 2026/0003)" in problems
    assert (
        "{partenza} manca per 1 destinatario: 0000280 ROSSO STEFANO (pratica 2026/0002)"
        in problems
    )
    assert "{agenzia}: il nome dell'agenzia non è impostato (impostazione 'agency')" in problems
    assert len(problems) == 5
    assert "; " in str(caught.value)  # one line for the command line


def test_a_template_for_practices_fails_on_a_promo_selection(db):
    for code in ("0000010", "0000011", "0000012", "0000013", "0000014", "0000015", "0000016"):
        make_client(code, name=f"CLIENTE {code[-2:]}")
    rows = promo_recipients(PromoFilters()).rows
    with pytest.raises(TemplateProblems) as caught:
        render_for_recipients("Pratica {pratica}", rows)
    (problem,) = caught.value.problems
    assert problem == (
        "{pratica} manca per tutti i 7 destinatari: 0000010 CLIENTE 10, 0000011 CLIENTE 11, "
        "0000012 CLIENTE 12, 0000013 CLIENTE 13, 0000014 CLIENTE 14 e altri 2"
    )


def test_rendering_gives_each_text_the_longest_and_the_credits(practices):
    rows = [r for r in practices if r.departure_date and r.first_name]
    template = "Gentile {nome}, pratica {pratica} per {destinazione}: saldo {saldo}. {agenzia}"
    result = render_for_recipients(template, rows, agency="Futura Viaggi")
    assert result.texts == [
        "Gentile Stefano, pratica 2026/0001 per Mykonos: saldo € 1.234,50. Futura Viaggi",
    ]
    assert result.credits == 1
    assert result.messages[0].source is rows[0]  # the outbox finds client and practice there
    assert result.info == analyze(result.longest)
    assert result.info.units == len(result.longest) + 1  # € is an escape pair, still GSM-7


def test_the_longest_text_is_the_one_that_costs_most():
    people = [
        Recipient("A", {"nome": "Al"}),
        Recipient("B", {"nome": "Bartolomeo Maria Giovanni"}),
        Recipient("C", {"nome": "Çelik"}),  # GSM: Ç is in the table
        Recipient("D", {"nome": "Zoë"}),  # ë forces UCS-2 for this one text only
    ]
    template = "Ciao {nome}! " + "x" * 130
    result = render_for_recipients(template, people)
    by_label = {m.recipient.label: m.info for m in result.messages}
    assert by_label["A"].encoding == "GSM-7" and by_label["D"].encoding == "UCS-2"
    assert by_label["D"].segments == 3  # 140 UTF-16 units: 67 + 67 + 6
    assert by_label["B"].segments == 2  # 162 septets
    assert result.longest == "Ciao Zoë! " + "x" * 130
    assert result.credits == 1 + 2 + 1 + 3
    assert result.credits == sum(m.info.segments for m in result.messages)


def test_max_parts_is_checked_on_the_longest_text():
    people = [Recipient("0000001 BREVE", {"nome": "Al"}), Recipient("0000002 LUNGO", {"nome": "N" * 60})]
    template = "Ciao {nome} " + "x" * 400
    with pytest.raises(TemplateProblems, match=r"il testo \(per 0000002 LUNGO\) occupa 4 SMS, oltre il massimo di 3"):
        render_for_recipients(template, people, max_parts=3)
    assert render_for_recipients(template, people[:1], max_parts=3).credits == 3


def test_a_single_sms_to_a_free_number():
    free = free_recipient("+393499999999", name="Mario Bianchi")
    assert free.label == "349 999 9999 Mario Bianchi"
    result = render_for_recipients("Buongiorno {ragione_sociale}, da {agenzia}", [free], agency="FUTURA")
    assert result.texts == ["Buongiorno Mario Bianchi, da FUTURA"]
    with pytest.raises(TemplateProblems, match=r"\{pratica\} manca per 1 destinatario: 349 999 9999"):
        render_for_recipients("Pratica {pratica}", [free_recipient("+393499999999")])


def test_an_empty_text_is_a_problem():
    with pytest.raises(TemplateProblems, match="vuoto"):
        render_for_recipients("   ", [free_recipient("+393499999999")])


@pytest.mark.parametrize(
    "amount, shown",
    [
        (Decimal("1234.5"), "€ 1.234,50"),
        (Decimal("0"), "€ 0,00"),
        ("12", "€ 12,00"),
        (1234567.891, "€ 1.234.567,89"),
        (Decimal("999.995"), "€ 1.000,00"),
        (Decimal("-80"), "€ -80,00"),
        (None, None),
    ],
)
def test_the_balance_is_written_the_italian_way(amount, shown):
    assert format_balance(amount) == shown


def test_the_euro_sign_keeps_the_text_gsm_and_costs_two_septets():
    info = analyze("Saldo " + format_balance(Decimal("1234.5")))
    assert (info.encoding, info.units) == ("GSM-7", len("Saldo € 1.234,50") + 1)


def test_the_lead_core_api_still_works():
    assert placeholders_in("{nome} {saldo} {nome}") == ["nome", "saldo"]
    assert render("Ciao {nome}", {"nome": "Anna"}) == "Ciao Anna"
    with pytest.raises(MissingValue, match=r"manca il valore di \{nome\}"):
        render("Ciao {nome}", {"nome": " "})
    with pytest.raises(PlaceholderError, match="sconosciuto"):
        check_template("Ciao {name}")


def _row(i: int, rng: random.Random) -> SelectionRow:
    first = rng.choice(["Al", "Anna", "Bartolomeo", "Zoë", "Maria Grazia", "Çelik", "Ugo"])
    return SelectionRow(
        client_id=i, client=f"{i:07d}", name=f"CLIENTE {i}", first_name=first,
        last_name=rng.choice(["Rossi", "Dell’Acqua", "Bianchi", "Esposito Capuozzo"]),
        mobile="+393499999999", mobile_status="ok", practice_id=i, practice=f"2026/{i:04d}",
        departure_date=date(2026, 7, 1), destination=rng.choice(["Roma", "Curaçao", "Mykonos"]),
        balance=Decimal(rng.randint(0, 300000)) / 100,
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_preview_finds_the_same_longest_text_as_the_full_render(seed):
    rng = random.Random(seed)
    rows = [_row(i, rng) for i in range(300)]
    preview = TemplatePreview(rows, agency="Futura Viaggi")
    templates = [
        "Ciao {nome}",
        "Gentile {nome} {cognome}, saldo {saldo} per {destinazione}. {agenzia} " + "x" * rng.randint(0, 200),
        "{nome} {nome} {nome} " + "y" * 140,
        "Caro {nome}, l’offerta per {destinazione} è qui " + "z" * rng.randint(0, 120),
    ]
    for template in templates:
        exact = render_for_recipients(template, rows, agency="Futura Viaggi").info
        found = analyze(preview.longest(template))
        # the same cost (several recipients may share it)
        assert (found.encoding, found.segments, found.units, found.remaining) == (
            exact.encoding, exact.segments, exact.units, exact.remaining), template
    assert preview.problems("Ciao {nome}") == []


def test_the_preview_names_the_problems_like_the_render(practices):
    preview = TemplatePreview(practices, agency="")
    assert preview.problems("Ciao {nome} {nom}") == [
        "segnaposto sconosciuto: {nom} (disponibili: {nome}, {cognome}, {ragione_sociale}, "
        "{pratica}, {partenza}, {destinazione}, {saldo}, {agenzia})",
        "{nome} manca per 1 destinatario: 0000002 FUTURA VIAGGI (pratica 2026/0003)",
    ]
    assert preview.problems("{agenzia}") == [
        "{agenzia}: il nome dell'agenzia non è impostato (impostazione 'agency')"
    ]
    assert preview.longest("senza segnaposti") == "senza segnaposti"


def test_the_agency_name_is_a_setting(tmp_path):
    from pegaso_tui.config import SettingsError, load_settings

    path = tmp_path / "agency.toml"
    path.write_text('agency = "Futura Viaggi"\n', encoding="utf-8")
    assert load_settings(path, env={}).agency == "Futura Viaggi"
    path.write_text("agency = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="agency"):
        load_settings(path, env={})
