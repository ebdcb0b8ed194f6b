"""Scheduled communications with a fixed clock: each occurrence once, missed never late,
Europe/Rome times across the 2027 DST days, and "once per event" against the masks too."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pegaso_tui.dates import DateRange
from pegaso_tui.db.campaigns import SelectionChanged, plan_selection, queue_campaign
from pegaso_tui.db.models import (
    FAILED,
    Campaign,
    Message,
    PracticeNotice,
    Schedule,
    ScheduleRun,
)
from pegaso_tui.db.schedules import (
    ScheduleError,
    ScheduleFields,
    delete_schedule,
    history,
    pause_schedule,
    resume_schedule,
    save_schedule,
)
from pegaso_tui.db.searches import save_search, select_saved
from pegaso_tui.db.selections import BirthdayFilters, birthday_recipients
from pegaso_tui.sending.scheduler import due_at, run_due
from tests.factories import make_client, make_practice

ROME = ZoneInfo("Europe/Rome")


def at(text: str) -> datetime:
    """A Rome wall time, ``2027-03-28T03:00``."""
    return datetime.fromisoformat(text)


def run(text: str):
    return run_due(at(text), default_sender="AGENZIA")


def birthday_search(name="compleanni", mode="rolling", saved_on=date(2027, 3, 1), days=0):
    return save_search(name, "birthday", {"from": saved_on.isoformat(),
                                          "to": (saved_on + timedelta(days=days)).isoformat()},
                       date_mode=mode, scheduling=True, today=saved_on)


def schedule(name="auguri", search="compleanni", at_time="09:00", start=date(2027, 3, 1), **more):
    return save_schedule(ScheduleFields(name=name, search=search, at=at_time, start=start,
                                        text=more.pop("text", "Tanti auguri {nome}!"), **more))


def queued_to(client) -> int:
    return Message.select().where(Message.client == client.id).count()


# --- Time --------------------------------------------------------------------------------------


def test_a_time_missing_on_the_spring_forward_day_is_due_at_the_next_valid_minute():
    assert due_at(date(2027, 3, 28), "02:30") == datetime(2027, 3, 28, 3, 0, tzinfo=ROME)
    assert due_at(date(2027, 3, 28), "02:00") == datetime(2027, 3, 28, 3, 0, tzinfo=ROME)
    assert due_at(date(2027, 3, 27), "02:30") == datetime(2027, 3, 27, 2, 30, tzinfo=ROME)


def test_a_repeated_time_on_the_fall_back_day_is_due_at_its_first_occurrence():
    due = due_at(date(2027, 10, 31), "02:30")
    assert due.utcoffset() == timedelta(hours=2)  # still summer time: the first 02:30


def test_a_0230_schedule_on_28_03_2027_runs_at_0300_once(any_db):
    make_client(birth_date=date(1980, 3, 28))
    birthday_search(saved_on=date(2027, 3, 28))
    schedule(at_time="02:30", start=date(2027, 3, 28))
    assert run("2027-03-28T01:59") == []
    [result] = run("2027-03-28T03:00")
    assert (result.day, result.status, result.queued) == (date(2027, 3, 28), "done", 1)
    assert run("2027-03-28T03:01") == []


def test_a_0230_schedule_on_31_10_2027_runs_once_though_the_hour_repeats(any_db):
    client = make_client(birth_date=date(1980, 10, 31))
    birthday_search(saved_on=date(2027, 10, 31))
    schedule(at_time="02:30", start=date(2027, 10, 31))
    first = datetime(2027, 10, 31, 2, 30, tzinfo=ROME, fold=0)
    second = datetime(2027, 10, 31, 2, 30, tzinfo=ROME, fold=1)
    assert second.astimezone(timezone.utc) - first.astimezone(timezone.utc) == timedelta(hours=1)
    assert run_due(first - timedelta(minutes=1), default_sender="AGENZIA") == []
    assert len(run_due(first, default_sender="AGENZIA")) == 1
    assert run_due(second, default_sender="AGENZIA") == []
    assert queued_to(client) == 1


# --- Each occurrence once ---------------------------------------------------------------------


def test_a_recurring_promo_runs_three_days_in_a_row_once_a_day(any_db):
    anna = make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="10:00", start=date(2027, 5, 1), text="Offerte!")
    for day in (1, 2, 3):
        assert run(f"2027-05-0{day}T09:59") == []
        [result] = run(f"2027-05-0{day}T10:00")
        assert (result.day, result.queued) == (date(2027, 5, day), 1)
        assert run(f"2027-05-0{day}T10:00") == []  # twice in the same minute
        assert run(f"2027-05-0{day}T18:00") == []
    assert queued_to(anna) == 3
    campaign = Campaign.select().order_by(Campaign.id.desc()).get()
    assert campaign.purpose == "marketing"
    assert [r["day"] for r in history(Schedule.get(name="promo"))] == [
        "2027-05-03", "2027-05-02", "2027-05-01"]


def test_a_run_missed_earlier_the_same_day_runs_when_a_sender_starts(any_db):
    anna = make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="08:00", start=date(2027, 5, 1), text="Offerte!")
    [result] = run("2027-05-01T17:45")  # nothing was running at 08:00
    assert (result.status, result.queued) == ("done", 1)
    assert queued_to(anna) == 1


def saved_at(name: str, text: str) -> None:
    """As if schedule ``name`` had been saved at the Rome wall time ``text``."""
    local = at(text).replace(tzinfo=ROME).astimezone().replace(tzinfo=None)  # as now() writes
    Schedule.update(created_at=local, updated_at=local).where(Schedule.name == name).execute()


def test_a_daily_schedule_saved_after_its_time_first_sends_the_next_day(any_db):
    """Walked in mask 17: a daily promo at 09:30 from today, saved at 16:55, sent its 330
    SMS at once, seven hours after the time set, with no question asked. The seed: "Ora
    invio comunicazione: è l'orario che il cliente riceverà la prossima comunicazione"."""
    from pegaso_tui.sending.scheduler import first_run

    anna = make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="09:30", start=date(2027, 5, 1), text="Offerte!")
    saved_at("promo", "2027-05-01T16:55")
    promo = Schedule.get(name="promo")
    assert first_run(promo, at("2027-05-01T16:55")) == at("2027-05-02T09:30").replace(tzinfo=ROME)
    assert run("2027-05-01T16:56") == []
    assert queued_to(anna) == 0
    [result] = run("2027-05-02T09:30")
    assert (result.day, result.status) == (date(2027, 5, 2), "done")
    assert [r["day"] for r in history(promo)] == ["2027-05-02"]  # the 1st is none of its runs
    assert first_run(promo, at("2027-05-02T09:31")) == at("2027-05-03T09:30").replace(tzinfo=ROME)
    # switched on again after its time is the same: tomorrow
    pause_schedule("promo")
    resume_schedule("promo", date(2027, 5, 3))
    saved_at("promo", "2027-05-03T12:00")
    assert run("2027-05-03T12:01") == []
    assert first_run(Schedule.get(name="promo"), at("2027-05-03T12:01")) == at(
        "2027-05-04T09:30").replace(tzinfo=ROME)


def test_a_singolo_for_a_time_already_past_today_is_refused(any_db):
    from pegaso_tui.sending.scheduler import rome_time

    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    with pytest.raises(ScheduleError, match="Singolo: le 00:00 di oggi sono già passate"):
        schedule(name="una volta", search="tutti", at_time="00:00", start=rome_time().date(), once=True)
    # another day, or a paused one, is taken
    schedule(name="una volta", search="tutti", at_time="00:00",
             start=rome_time().date() + timedelta(days=1), once=True)


def test_a_run_missed_on_an_earlier_day_is_recorded_missed_and_never_sent(any_db):
    anna = make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="08:00", start=date(2027, 5, 1), text="Offerte!")
    results = run("2027-05-03T07:00")  # the 1st and the 2nd passed with no sender
    assert [(r.day, r.status, r.queued) for r in results] == [
        (date(2027, 5, 1), "missed", 0), (date(2027, 5, 2), "missed", 0)]
    assert queued_to(anna) == 0
    [today] = run("2027-05-03T08:00")
    assert (today.day, today.status) == (date(2027, 5, 3), "done")
    assert queued_to(anna) == 1


def test_a_single_schedule_deactivates_after_its_run(any_db):
    make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="una volta", search="tutti", at_time="08:00", start=date(2027, 5, 2),
             text="Offerta lampo", once=True)
    assert run("2027-05-01T09:00") == []
    assert len(run("2027-05-02T08:00")) == 1
    assert Schedule.get(name="una volta").active is False
    assert run("2027-05-03T08:00") == []
    with pytest.raises(ScheduleError, match="già stata eseguita"):
        resume_schedule("una volta", date(2027, 5, 3))


def test_paused_days_are_not_missed_and_resume_runs_again(any_db):
    anna = make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="08:00", start=date(2027, 5, 1), text="Offerte!")
    run("2027-05-01T08:00")
    pause_schedule("promo")
    assert run("2027-05-02T08:00") == []
    assert run("2027-05-03T08:00") == []
    resume_schedule("promo", date(2027, 5, 4))
    assert [(r.day, r.status) for r in run("2027-05-04T08:00")] == [(date(2027, 5, 4), "done")]
    assert queued_to(anna) == 2
    assert ScheduleRun.select().count() == 2  # no missed rows for the paused days


def test_an_obsolete_schedule_keeps_its_history_and_never_runs(any_db):
    make_client()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="08:00", start=date(2027, 5, 1), text="Offerte!")
    run("2027-05-01T08:00")
    assert delete_schedule("promo") == "obsolete"
    assert run("2027-05-02T08:00") == []
    assert len(history(Schedule.get(name="promo"))) == 1
    schedule(name="mai", search="tutti", at_time="08:00", start=date(2027, 6, 1), text="x")
    assert delete_schedule("mai") == "deleted"


def test_the_history_lists_each_run_with_its_recipients(any_db):
    anna = make_client("0000002", mobile="349 111 1111")
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="08:00", start=date(2027, 5, 1), text="Offerte!")
    run("2027-05-01T08:00")
    [entry] = history(Schedule.get(name="promo"))
    assert entry["queued"] == 1 and entry["delivered"] == 0
    assert entry["recipients"] == [{"client": anna.code, "name": anna.name,
                                    "mobile": "+393491111111", "status": "queued"}]


# --- Once per event ------------------------------------------------------------------------------


def test_a_birthday_is_greeted_once_a_year_by_a_daily_schedule_on_a_week_ahead_target(any_db):
    # the seed's trap: "from today to today+7" every day reaches the same client 8 times
    anna = make_client(birth_date=date(1980, 3, 10))
    birthday_search(saved_on=date(2027, 3, 1), days=7)
    schedule(start=date(2027, 3, 1))
    for day in range(3, 11):
        run(f"2027-03-{day:02d}T09:00")
    assert queued_to(anna) == 1
    assert Campaign.get().purpose == "auguri"


def test_a_manual_greeting_and_a_scheduled_one_the_same_day_reach_a_client_once(any_db):
    anna = make_client(birth_date=date(1980, 3, 10))
    bruno = make_client(birth_date=date(1975, 3, 10), mobile="349 222 2222")
    birthday_search(saved_on=date(2027, 3, 10))
    schedule(start=date(2027, 3, 10), at_time="09:00")
    # the mask greets Anna in the morning
    manual = BirthdayFilters(DateRange(date(2027, 3, 10), date(2027, 3, 10)))
    selection = birthday_recipients(manual)
    only_anna = type(selection)(selection.kind, [r for r in selection.rows if r.client == anna.code],
                                selection.filters)
    queue_campaign(plan_selection(only_anna, "Auguri!"), sender="AGENZIA")
    [result] = run("2027-03-10T09:00")
    assert result.queued == 1  # Bruno only
    assert (queued_to(anna), queued_to(bruno)) == (1, 1)
    # and the mask, opened after the schedule ran, selects nobody
    assert birthday_recipients(manual).count == 0


def test_a_mask_preview_made_before_the_scheduled_greeting_is_refused_when_confirmed(any_db):
    anna = make_client(birth_date=date(1980, 3, 10))
    birthday_search(saved_on=date(2027, 3, 10))
    schedule(start=date(2027, 3, 10), at_time="09:00")
    manual = BirthdayFilters(DateRange(date(2027, 3, 10), date(2027, 3, 10)))
    plan = plan_selection(birthday_recipients(manual), "Auguri!")  # the preview, at 08:59
    run("2027-03-10T09:00")
    with pytest.raises(SelectionChanged):
        queue_campaign(plan, sender="AGENZIA")
    assert queued_to(anna) == 1


def test_a_greeting_that_failed_does_not_count(any_db):
    anna = make_client(birth_date=date(1980, 3, 10))
    birthday_search(saved_on=date(2027, 3, 9), days=7)
    schedule(start=date(2027, 3, 9))
    run("2027-03-09T09:00")
    Message.update(status=FAILED).execute()
    [result] = run("2027-03-10T09:00")
    assert result.queued == 1
    assert queued_to(anna) == 2


def test_a_practice_notice_goes_once_per_practice_and_status(any_db):
    client = make_client()
    practice = make_practice(client, practice_date=date(2027, 1, 10))
    save_search("saldo", "practice", {"status": "balance-not-notified"}, date_mode="none",
                scheduling=True, today=date(2027, 5, 1))
    schedule(name="saldo", search="saldo", at_time="08:00", start=date(2027, 5, 1),
             text="Saldo pratica {pratica}")
    run("2027-05-01T08:00")
    run("2027-05-02T08:00")
    assert queued_to(client) == 1
    assert PracticeNotice.get().practice_id == practice.id
    assert Campaign.get().purpose == "servizio"


def test_a_run_whose_text_cannot_be_rendered_is_recorded_failed_with_the_reason(any_db):
    make_client(first_name="")
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
    schedule(name="promo", search="tutti", at_time="08:00", start=date(2027, 5, 1), text="Ciao {nome}")
    [result] = run("2027-05-01T08:00")
    assert result.status == "failed" and "{nome}" in result.error
    assert run("2027-05-01T08:01") == []
    assert Message.select().count() == 0


# --- Saved searches: the three date modes ------------------------------------------------------


def test_the_three_date_modes_of_a_birthday_search(any_db):
    make_client("0000002", birth_date=date(1980, 3, 5))
    make_client("0000003", birth_date=date(1980, 6, 5), mobile="349 222 2222")
    saved = {"from": "2027-03-01", "to": "2027-03-08"}
    fixed = save_search("fisse", "birthday", saved, date_mode="fixed", today=date(2027, 3, 1))
    rolling = save_search("mobili", "birthday", saved, date_mode="rolling", today=date(2027, 3, 1))
    none = save_search("senza", "birthday", saved, date_mode="none", today=date(2027, 3, 1))
    june = date(2027, 6, 1)
    assert [r.client for r in select_saved(fixed, june).rows] == ["0000002"]
    assert [r.client for r in select_saved(rolling, june).rows] == ["0000003"]
    assert [r.client for r in select_saved(none, june).rows] == ["0000003"]  # today to today+7
    assert select_saved(rolling, june).filters == {"from": "2027-06-01", "to": "2027-06-08"}


def test_a_rolling_practice_search_keeps_departing_in_7_days(any_db):
    client = make_client()
    make_practice(client, "2027/0001", practice_date=date(2027, 1, 5), departure_date=date(2027, 5, 8))
    make_practice(client, "2027/0002", practice_date=date(2027, 1, 5), departure_date=date(2027, 5, 9))
    search = save_search("partenze", "practice", {
        "status": "documents-not-delivered", "departure_from": "2027-04-08",
        "departure_to": "2027-04-08"}, date_mode="rolling", scheduling=True, today=date(2027, 4, 1))
    assert [r.practice for r in select_saved(search, date(2027, 5, 1)).rows] == ["2027/0001"]
    assert [r.practice for r in select_saved(search, date(2027, 5, 2)).rows] == ["2027/0002"]


def test_a_schedule_needs_a_search_with_scheduling_enabled(any_db):
    # walked in mask 17: F10 with no search chosen said "nessuna ricerca salvata di nome ''"
    with pytest.raises(ScheduleError, match=r"^ricerca mancante: sceglierne una abilitata"):
        schedule(name="x", search="")
    save_search("solo", "promo", {}, date_mode="none", today=date(2027, 5, 1))
    with pytest.raises(ScheduleError, match="Abilita comunicazioni programmate"):
        schedule(name="x", search="solo")
    with pytest.raises(ScheduleError, match="ora non valida"):
        save_search("si", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))
        schedule(name="x", search="si", at_time="25:00")


def test_a_practices_search_sent_for_marketing_reaches_only_clients_who_agreed_to_promo(any_db):
    agreed = make_client(mobile="349 111 1111")
    refused = make_client(mobile="349 222 2222", sms_promo=False)
    for client in (agreed, refused):
        make_practice(client, practice_date=date(2027, 1, 10))
    save_search("clienti con pratiche", "practice", {"status": "unpaid"}, date_mode="none",
                scheduling=True, today=date(2027, 5, 1))
    schedule(name="offerta", search="clienti con pratiche", at_time="08:00",
             start=date(2027, 5, 1), text="Offerta per te", purpose="marketing")
    [result] = run("2027-05-01T08:00")
    assert result.queued == 1
    assert (queued_to(agreed), queued_to(refused)) == (1, 0)
    assert Campaign.get().purpose == "marketing"


def test_a_time_is_taken_with_a_colon_a_dot_or_digits_only_as_the_dates_are():
    """Walked in mask 17: "0930" typed in Ora invio was refused, where the date beside it
    takes "01122026". An operator types times as dates: digits only, or Italian style."""
    from pegaso_tui.db.schedules import parse_time

    taken = {"09:30": "09:30", "9.30": "09:30", "930": "09:30", "0930": "09:30", "9": "09:00",
             "21": "21:00", "2130": "21:30", " 7:05 ": "07:05"}
    assert {typed: parse_time(typed) for typed in taken} == taken
    for wrong in ("2560", "25", "0960", "12345", "", "9:5", "nove", "9:30:00"):
        with pytest.raises(ScheduleError, match="ora non valida"):
            parse_time(wrong)
