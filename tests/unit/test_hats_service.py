"""The hats service: writing hats, ticking from one's hat, item versions, policies and
attestations, training sign-offs, and two terminals ticking one shared item."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from peewee import Database

from db.models import (
    Attestation,
    ChecklistItem,
    Frequency,
    HatHolder,
    PolicyVersion,
    Post,
    ProgramStep,
    Role,
    Staff,
    StepSignoff,
    Tick,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import SHARED, HatError, State
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people.roles import ADMINISTRATOR, NotAllowed

from .practice_fixture import ZONE, ZONE_NAME

#: Wednesday 18 November 2026; the stats week ends Thursday 19th at 14:00.
TODAY = dt.date(2026, 11, 18)
YESTERDAY = TODAY - dt.timedelta(days=1)
WEEK = dt.date(2026, 11, 19)
MONTH = dt.date(2026, 11, 30)


def local(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


@dataclass
class Office:
    hats: Hats
    clock: FrozenClock
    manager: int
    desk: int
    other_desk: int
    reception: int

    def of(self, person: int) -> Hats:
        """The hats as `person` works them, logged in on their own terminal."""
        return Hats(self.hats.database, self.clock, self.hats.settings, staff_id=person)


@pytest.fixture
def office(database: Database) -> Office:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    manager = Staff.create(name="Karen Miles", initials="KM", role=Role.OFFICE_MANAGER).id
    desk = Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id
    other = Staff.create(name="Sam Lee", initials="SL", role=Role.FRONT_DESK).id
    clock = FrozenClock(local(8, 0, day=TODAY - dt.timedelta(days=7)))
    hats = Hats(database, clock, settings.load(database), staff_id=manager)
    reception = hats.create_post("Receptionist", purpose="Welcome every patient")
    hats.add_holder(reception, desk)
    hats.add_holder(reception, other)
    clock.set(local(10, 0))
    return Office(hats, clock, manager, desk, other, reception)


def item(office: Office, text: str, frequency: str = Frequency.DAILY, **options: object) -> int:
    """An item that has been on the hat for a week already."""
    item_id = office.hats.add_item(office.reception, text, frequency, **options)  # type: ignore[arg-type]
    ChecklistItem.update(start=TODAY - dt.timedelta(days=7)).where(
        ChecklistItem.id == item_id
    ).execute()
    return item_id


def mine(office: Office, person: int | None = None) -> dict[str, State]:
    today = office.hats.my_hat(person or office.desk)
    return {o.text: o.state for o in (*today.today, *today.week, *today.month)}


# -- writing hats ---------------------------------------------------------------------


def test_a_hat_needs_a_title_and_a_free_one(office: Office) -> None:
    with pytest.raises(HatError, match="needs a title"):
        office.hats.create_post("   ")
    with pytest.raises(HatError, match="already a hat called"):
        office.hats.create_post("receptionist")  # names differ only by case: one post
    assert Post.select().count() == 1


@pytest.mark.parametrize(
    ("title", "says"),
    [
        pytest.param(
            "x" * 10_000, "A hat's title is at most 60 characters (this one has 10000)", id="long"
        ),
        ("Billing\x1b[31m", "A hat's title cannot hold control characters"),
        ("Billing\u202eevil", "A hat's title cannot hold control characters"),
    ],
)
def test_a_hats_title_fits_the_screens_and_holds_no_control_characters(
    office: Office, title: str, says: str
) -> None:
    with pytest.raises(HatError) as refused:
        office.hats.create_post(title)
    assert str(refused.value).startswith(says)
    with pytest.raises(HatError):
        office.hats.update_post(office.reception, title=title)
    assert [p.title for p in Post.select()] == ["Receptionist"]


def test_a_hats_title_is_kept_in_nfc_and_any_script(office: Office) -> None:
    post = office.hats.create_post("Recepcio\u0301n  ")
    assert Post.get_by_id(post).title == "Recepci\u00f3n"
    assert office.hats.create_post("受付") != post


def test_a_leave_note_and_an_items_text_have_their_limits(office: Office) -> None:
    with pytest.raises(HatError, match="A leave note is at most 120 characters"):
        office.hats.add_leave(office.desk, TODAY, TODAY, "n" * 10_000)
    with pytest.raises(HatError, match="A duty, item or step is at most 200"):
        office.hats.add_item(office.reception, "i" * 201)
    assert office.hats.leave(TODAY) == []
    with pytest.raises(HatError, match="A leave's first day is a day from 1900 to 2999"):
        office.hats.add_leave(office.desk, dt.date(1, 1, 1), TODAY)
    with pytest.raises(HatError, match="A leave's last day is a day from 1900 to 2999"):
        office.hats.add_leave(office.desk, TODAY, dt.date(9999, 12, 31))


def test_an_item_needs_text_and_a_known_frequency(office: Office) -> None:
    with pytest.raises(HatError, match="needs its text"):
        office.hats.add_item(office.reception, "")
    with pytest.raises(HatError, match="daily, weekly or monthly"):
        office.hats.add_item(office.reception, "Call", "hourly")
    with pytest.raises(HatError, match="time of day"):
        office.hats.add_item(office.reception, "Call", Frequency.DAILY, "25:00")
    assert ChecklistItem.select().count() == 0


def test_a_held_hat_cannot_be_deleted(office: Office) -> None:
    with pytest.raises(HatError, match="Jenny Ortiz, Sam Lee hold the Receptionist hat"):
        office.hats.delete_post(office.reception)
    assert Post.select().count() == 1
    office.hats.remove_holder(office.reception, office.desk)
    office.hats.remove_holder(office.reception, office.other_desk)
    office.hats.delete_post(office.reception)
    assert Post.select().count() == 0


def test_a_hat_with_ticks_on_record_is_kept(office: Office) -> None:
    phones = item(office, "Phones on")
    office.of(office.desk).tick(phones, TODAY, office.desk)
    office.hats.remove_holder(office.reception, office.desk)
    office.hats.remove_holder(office.reception, office.other_desk)
    with pytest.raises(HatError, match="ticks on record"):
        office.hats.delete_post(office.reception)


def test_a_hat_that_orders_are_addressed_to_is_kept_and_says_why(office: Office) -> None:
    orders = Orders(office.hats.database, office.clock, office.hats.settings, office.manager)
    order = orders.issue("Restock the brochures", TODAY, to_post=office.reception)
    office.hats.remove_holder(office.reception, office.desk)
    office.hats.remove_holder(office.reception, office.other_desk)
    with pytest.raises(HatError) as refused:
        office.hats.delete_post(office.reception)
    assert str(refused.value) == (
        "1 open order is addressed to the Receptionist hat: "
        "give it to someone else on Orders first."
    )
    orders.cancel(order)
    with pytest.raises(HatError, match="has 1 past order on record: its history is kept"):
        office.hats.delete_post(office.reception)
    assert Post.get_or_none(Post.id == office.reception) is not None
    assert HatHolder.select().where(HatHolder.post == office.reception).count() == 2


def test_a_hat_whose_order_was_given_on_goes_unless_its_holders_missed_it(
    office: Office,
) -> None:
    """Given on in time, an order was never the hat's to miss: the hat may go (its
    handover no longer names it). Given on overdue, the miss is its holders'."""
    orders = Orders(office.hats.database, office.clock, office.hats.settings, office.manager)
    brochures = orders.issue("Restock the brochures", TODAY, to_post=office.reception)
    late = orders.issue("Call the printer", TODAY, "11:00", to_post=office.reception)
    courier = office.hats.create_post("Courier")
    office.hats.add_holder(courier, office.desk)
    orders.reassign(brochures, to_staff=office.desk)
    office.clock.set(local(12, 0))
    moved = orders.reassign(late, to_post=courier, due=(TODAY, "17:00"))  # 11:00 passed
    assert [(h.was, h.missed) for h in moved.handovers] == [("the Receptionist hat", True)]
    for holder in (office.desk, office.other_desk):
        office.hats.remove_holder(office.reception, holder)
    with pytest.raises(HatError, match="has 1 past order on record: its history is kept"):
        office.hats.delete_post(office.reception)

    office.hats.remove_holder(courier, office.desk)
    orders.reassign(late, to_staff=office.other_desk)  # in time for 17:00: no miss
    office.hats.delete_post(courier)
    assert Post.get_or_none(Post.id == courier) is None
    assert [h.was for h in orders.order(late).handovers] == ["the Receptionist hat", None]


def test_a_hat_with_open_program_steps_is_kept_until_they_go_elsewhere(office: Office) -> None:
    orders = Orders(office.hats.database, office.clock, office.hats.settings, office.manager)
    courier = office.hats.create_post("Courier")
    office.hats.add_holder(courier, office.desk)
    program = orders.create_program("New patients up")
    flyers = orders.add_step(program, "Drop flyers at the gym", TODAY, to_post=courier)
    orders.add_step(program, "Drop flyers at the library", TODAY, to_post=courier)
    office.hats.remove_holder(courier, office.desk)  # given and taken back today: never held
    with pytest.raises(HatError) as refused:
        office.hats.delete_post(courier)
    assert str(refused.value) == (
        "2 open program steps are for the Courier hat (New patients up): give them to "
        "someone else first (Orders, then Programs)."
    )
    for step in ProgramStep.select().where(ProgramStep.program == program):
        orders.edit_step(step.id, step.text, step.due_on, to_staff=office.desk)
    office.hats.delete_post(courier)
    assert Post.get_or_none(Post.id == courier) is None
    assert ProgramStep.get_by_id(flyers).to_staff_id == office.desk


def test_a_hat_a_done_program_step_was_for_is_kept(office: Office) -> None:
    orders = Orders(office.hats.database, office.clock, office.hats.settings, office.manager)
    courier = office.hats.create_post("Courier")
    office.hats.add_holder(courier, office.desk)
    program = orders.create_program("New patients up")
    step = orders.add_step(program, "Drop flyers at the gym", TODAY, to_post=courier)
    orders.step_done(step)
    office.hats.remove_holder(courier, office.desk)
    with pytest.raises(HatError) as refused:
        office.hats.delete_post(courier)
    assert str(refused.value) == (
        "The Courier hat has 1 past program step on record: its history is kept. "
        "Take its holders and items off instead."
    )
    assert Post.get_or_none(Post.id == courier) is not None


def test_taking_someone_off_a_hat_keeps_their_history(office: Office) -> None:
    office.hats.remove_holder(office.reception, office.desk)
    holding = HatHolder.get(HatHolder.staff == office.desk)
    assert holding.until == TODAY
    assert office.hats.hats_of(office.desk) == []
    assert office.hats.hats_of(office.desk, YESTERDAY) == [(office.reception, "Receptionist")]


def test_duties_and_items_keep_their_order_and_move(office: Office) -> None:
    first = office.hats.add_duty(office.reception, "Greets patients")
    office.hats.add_duty(office.reception, "Books ahead")
    office.hats.move_duty(first, 1)
    a, b, c = (item(office, text) for text in "ABC")
    office.hats.move_item(c, -2)
    detail = office.hats.detail(office.reception)
    assert [text for _, text in detail.duties] == ["Books ahead", "Greets patients"]
    assert [line.text for line in detail.items] == ["C", "A", "B"]
    assert a != b


def test_steps_and_hats_move_too(office: Office) -> None:
    drill = office.hats.add_step(office.reception, "Drill: check in five patients")
    office.hats.add_step(office.reception, "Read the phone policy")
    office.hats.move_step(drill, 1)
    steps = office.hats.detail(office.reception).steps
    assert [s.text for s in steps] == ["Read the phone policy", "Drill: check in five patients"]
    billing = office.hats.create_post("Billing")
    office.hats.move_post(billing, -1)
    assert [title for _, title in office.hats.posts()] == ["Billing", "Receptionist"]


def test_a_weekly_item_is_due_by_the_weeks_cutoff_not_a_time_of_day(office: Office) -> None:
    count = office.hats.add_item(office.reception, "Count referrals", Frequency.WEEKLY, "16:00")
    assert ChecklistItem.get_by_id(count).due_time is None
    calls = office.hats.add_item(office.reception, "Call back", Frequency.DAILY, "16:00")
    weekly = office.hats.edit_item(calls, frequency=Frequency.WEEKLY)
    assert ChecklistItem.get_by_id(weekly).due_time is None


# -- ticking ------------------------------------------------------------------------


def test_a_tick_is_saved_at_once_and_on_time_before_the_due_time(office: Office) -> None:
    calls = item(office, "Call no-shows", due_time="10:30")
    done = office.of(office.desk).tick(calls, TODAY, office.desk)
    assert done.state == State.DONE
    tick = Tick.get()
    assert (tick.due_on, tick.holder, tick.by_id) == (TODAY, office.desk, office.desk)


def test_a_tick_after_the_due_time_is_late_and_an_undone_one_overdue(office: Office) -> None:
    calls = item(office, "Call no-shows", due_time="09:00")
    item(office, "Confirm tomorrow", due_time="09:30")
    item(office, "Tidy up")
    states = mine(office)
    assert states == {
        "Call no-shows": State.OVERDUE,
        "Confirm tomorrow": State.OVERDUE,
        "Tidy up": State.OPEN,
    }
    assert office.of(office.desk).tick(calls, TODAY, office.desk).state == State.LATE


def test_overdue_items_come_first_yesterdays_too(office: Office) -> None:
    item(office, "Tidy up")
    item(office, "Phones on", due_time="08:00")
    item(office, "Deposit", due_time="16:00")
    today = office.hats.my_hat(office.desk).today
    assert [(o.text, o.due_on, o.state) for o in today] == [
        ("Phones on", YESTERDAY, State.OVERDUE),  # by day, then by due time
        ("Deposit", YESTERDAY, State.OVERDUE),
        ("Tidy up", YESTERDAY, State.OVERDUE),
        ("Phones on", TODAY, State.OVERDUE),
        ("Deposit", TODAY, State.OPEN),
        ("Tidy up", TODAY, State.OPEN),
    ]


def test_yesterdays_item_may_be_done_late_but_not_last_weeks(office: Office) -> None:
    tidy = item(office, "Tidy up")
    assert office.of(office.desk).tick(tidy, YESTERDAY, office.desk).state == State.LATE
    with pytest.raises(HatError, match="period is closed"):
        office.of(office.desk).tick(tidy, TODAY - dt.timedelta(days=2), office.desk)


def test_only_a_holder_ticks(office: Office) -> None:
    tidy = item(office, "Tidy up")
    with pytest.raises(HatError, match="Only a holder of the Receptionist hat"):
        office.of(office.manager).tick(tidy, TODAY, office.manager)
    assert Tick.select().count() == 0


def test_untick_the_same_day_only(office: Office) -> None:
    tidy = item(office, "Tidy up")
    office.of(office.desk).tick(tidy, TODAY, office.desk)
    office.of(office.desk).untick(tidy, TODAY, office.desk)
    assert Tick.select().count() == 0
    office.of(office.desk).tick(tidy, TODAY, office.desk)
    office.clock.set(local(9, 0, day=TODAY + dt.timedelta(days=1)))
    with pytest.raises(HatError, match="only the day it was made"):
        office.of(office.desk).untick(tidy, TODAY, office.desk)
    assert Tick.select().count() == 1


def test_only_the_one_who_ticked_takes_a_tick_back(office: Office) -> None:
    drawer = item(office, "Balance the drawer", shared=True)
    office.of(office.desk).tick(drawer, TODAY, office.desk)
    with pytest.raises(HatError, match="Jenny Ortiz ticked this; only they can take"):
        office.of(office.other_desk).untick(drawer, TODAY, office.other_desk)
    with pytest.raises(HatError, match="Jenny Ortiz ticked this"):
        office.of(office.manager).untick(drawer, TODAY, office.manager)  # not even a holder
    assert Tick.select().count() == 1
    office.of(office.desk).untick(drawer, TODAY, office.desk)
    assert Tick.select().count() == 0


def test_yesterdays_item_ticked_late_today_stays_in_sight(office: Office) -> None:
    tidy = item(office, "Tidy up")
    office.of(office.desk).tick(tidy, YESTERDAY, office.desk)
    today = office.hats.my_hat(office.desk).today
    assert [(o.due_on, o.state) for o in today] == [
        (YESTERDAY, State.LATE),  # seen, and may be taken back today
        (TODAY, State.OPEN),
    ]
    office.clock.set(local(9, 0, day=TODAY + dt.timedelta(days=1)))
    tomorrow = office.hats.my_hat(office.desk).today
    assert [o.due_on for o in tomorrow] == [TODAY, TODAY + dt.timedelta(days=1)]  # today's owed


def test_a_personal_item_is_owed_by_each_holder(office: Office) -> None:
    calls = item(office, "Call no-shows")
    office.of(office.desk).tick(calls, TODAY, office.desk)
    assert mine(office, office.desk)["Call no-shows"] == State.DONE
    assert mine(office, office.other_desk)["Call no-shows"] == State.OPEN


def test_a_shared_item_is_one_tick_for_every_holder(office: Office) -> None:
    drawer = item(office, "Balance the drawer", shared=True)
    done = office.of(office.desk).tick(drawer, TODAY, office.desk)
    again = office.of(office.other_desk).tick(
        drawer, TODAY, office.other_desk
    )  # on the other screen, later
    assert Tick.select().count() == 1
    assert Tick.get().holder == SHARED
    assert done.ticked_by == again.ticked_by == "Jenny Ortiz"
    assert mine(office, office.other_desk)["Balance the drawer"] == State.DONE


def test_two_terminals_ticking_one_shared_item_at_once_make_one_record(office: Office) -> None:
    drawer = item(office, "Balance the drawer", shared=True)
    database = office.hats.database
    start = threading.Barrier(2, timeout=10)
    results: dict[int, str | None] = {}
    errors: list[BaseException] = []

    def terminal(person: int) -> None:
        hats = Hats(database, office.clock, settings.load(database), person)  # its own connection
        try:
            start.wait()
            results[person] = hats.tick(drawer, TODAY, person).ticked_by
        except BaseException as error:  # recorded, so the test sees every outcome
            errors.append(error)
        finally:
            database.close()  # this thread's connection

    people = (office.desk, office.other_desk)
    threads = [threading.Thread(target=terminal, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Tick.select().count() == 1
    first = Staff.get_by_id(Tick.get().by_id).name
    assert results == {office.desk: first, office.other_desk: first}  # both show the one record


# -- item versions ------------------------------------------------------------------


def test_editing_an_item_keeps_what_old_ticks_ticked(office: Office) -> None:
    calls = item(office, "Call no-shows", due_time="10:30")
    office.of(office.desk).tick(calls, YESTERDAY, office.desk)
    new = office.hats.edit_item(calls, text="Call no-shows and cancellations", due_time="11:00")
    assert new != calls
    old = ChecklistItem.get_by_id(calls)
    assert (old.text, old.end) == ("Call no-shows", TODAY)
    assert Tick.get().item.text == "Call no-shows"  # the record says what was done
    lines = office.hats.detail(office.reception).items
    assert [(line.text, line.due_time) for line in lines] == [
        ("Call no-shows and cancellations", "11:00")
    ]


def test_a_tick_made_before_an_edit_still_counts_that_period(office: Office) -> None:
    weekly = item(office, "Reactivation calls", Frequency.WEEKLY)
    office.of(office.desk).tick(weekly, WEEK, office.desk)
    office.hats.edit_item(weekly, text="Reactivation calls: 20 patients")
    assert mine(office)["Reactivation calls: 20 patients"] == State.DONE


def test_an_item_made_today_is_edited_in_place(office: Office) -> None:
    made = office.hats.add_item(office.reception, "Typo itme")
    assert office.hats.edit_item(made, text="Typo item") == made
    assert ChecklistItem.select().count() == 1


def test_removing_an_item_ends_it_and_keeps_its_ticks(office: Office) -> None:
    tidy = item(office, "Tidy up")
    office.of(office.desk).tick(tidy, YESTERDAY, office.desk)
    office.hats.remove_item(tidy)
    assert ChecklistItem.get_by_id(tidy).end == TODAY
    assert Tick.select().count() == 1
    assert "Tidy up" not in mine(office)
    assert office.hats.detail(office.reception).items == []


def test_an_item_is_due_from_its_start_only(office: Office) -> None:
    office.hats.add_item(office.reception, "New today", due_time="09:00")
    assert [o.due_on for o in office.hats.my_hat(office.desk).today] == [TODAY]


# -- policies and training ------------------------------------------------------------


def test_a_new_policy_version_asks_holders_to_attest_again(office: Office) -> None:
    policy = office.hats.write_policy("Cash handling", "# Count twice", [office.reception])
    due = office.hats.policies_due(office.desk)
    assert [(p.title, p.number, p.attested_number) for p in due] == [("Cash handling", 1, None)]
    office.of(office.desk).attest(due[0].version_id, office.desk)
    assert office.hats.policies_due(office.desk) == []
    assert office.hats.revise_policy(policy, "# Count twice, sign the sheet") == 2
    again = office.hats.policies_due(office.desk)
    assert [(p.number, p.attested_number) for p in again] == [(2, 1)]
    assert office.hats.policies_due(office.manager) == []  # not a receptionist


def test_the_same_text_is_not_a_new_version(office: Office) -> None:
    policy = office.hats.write_policy("Cash handling", "# Count twice", [office.reception])
    assert office.hats.revise_policy(policy, "# Count twice") == 1
    assert PolicyVersion.select().count() == 1


def test_attesting_an_old_version_is_refused(office: Office) -> None:
    policy = office.hats.write_policy("Cash handling", "v1", [office.reception])
    first = office.hats.policies_due(office.desk)[0].version_id
    office.hats.revise_policy(policy, "v2")
    with pytest.raises(HatError, match="newer version"):
        office.of(office.desk).attest(first, office.desk)
    assert Attestation.select().count() == 0


def test_only_a_holder_of_a_policys_hat_attests(office: Office) -> None:
    office.hats.write_policy("Cash handling", "Count twice", [office.reception])
    version = office.hats.policies_due(office.desk)[0].version_id
    with pytest.raises(HatError, match="not one of your hats' policies"):
        office.of(office.manager).attest(version, office.manager)
    assert Attestation.select().count() == 0


def test_policy_titles_differ_by_more_than_case(office: Office) -> None:
    office.hats.write_policy("Dress code", "Scrubs")
    with pytest.raises(HatError, match="already a policy"):
        office.hats.write_policy("DRESS CODE", "Suits")
    phones = office.hats.write_policy("Phones", "Answer by the third ring")
    with pytest.raises(HatError, match="already a policy"):
        office.hats.revise_policy(phones, "Answer by the third ring", title="dress Code")
    office.hats.revise_policy(phones, "Answer by the third ring", title="PHONES")  # its own


def test_policies_need_a_title_text_and_a_free_title(office: Office) -> None:
    with pytest.raises(HatError, match="needs a title"):
        office.hats.write_policy(" ", "text")
    with pytest.raises(HatError, match="needs its text"):
        office.hats.write_policy("Dress code", "  ")
    office.hats.write_policy("Dress code", "Scrubs")
    with pytest.raises(HatError, match="already a policy"):
        office.hats.write_policy("Dress code", "Suits")


def test_the_manager_signs_off_a_step_a_trainee_cannot(office: Office) -> None:
    step = office.hats.add_step(office.reception, "Drill: check in five patients")
    office.hats.add_step(office.reception, "Read the phone policy")
    office.hats.sign_off(step, office.desk)
    progress = office.hats.my_hat(office.desk).checksheets
    assert [(p.done, p.total) for p in progress] == [(1, 2)]
    assert StepSignoff.get().signed_by_id == office.manager
    with pytest.raises(NotAllowed, match="Only the office manager or the owner signs training"):
        office.of(office.desk).sign_off(step, office.desk)
    office.hats.add_holder(office.reception, office.manager)
    with pytest.raises(HatError, match="not by its trainee"):
        office.hats.sign_off(step, office.manager)
    assert [name for name, _ in office.hats.checksheets_in_progress()] == [
        "Jenny Ortiz",
        "Karen Miles",
        "Sam Lee",
    ]


def test_on_a_closed_day_the_next_open_days_items_are_not_ticked_ahead(office: Office) -> None:
    """Sunday 22 November: the list shows Monday's items, which wait for Monday."""
    tidy = item(office, "Tidy up")
    office.clock.set(local(10, 0, day=dt.date(2026, 11, 22)))
    monday = dt.date(2026, 11, 23)
    assert [o.due_on for o in office.hats.my_hat(office.desk).today][-1] == monday
    with pytest.raises(HatError, match="That is Mon 23 Nov's: it is ticked that day."):
        office.hats.tick(tidy, monday, office.desk)
    assert Tick.select().count() == 0
    office.clock.set(local(8, 0, day=monday))
    assert office.hats.tick(tidy, monday, office.desk).state == State.DONE
